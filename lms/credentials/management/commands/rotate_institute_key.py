from django.core.management.base import BaseCommand, CommandError

from curriculum.selectors.institutes import institute_by_slug
from lms.credentials.documents import Issuer
from lms.credentials.models import SITE_ISSUER
from lms.credentials.services import signing_key_rotate


class Command(BaseCommand):
    help = (
        "Give an institute (or, with --site, the site itself) a new signing key pair. New credentials are signed with "
        "it; the old public keys stay in the DID document, so credentials they signed still verify. The old private "
        "key files stay in the key folder (CREDENTIAL_KEYS_DIR) until you remove them."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="the institute's slug, e.g. landscape-learning-institute")
        parser.add_argument("--site", action="store_true", help="the site's own key (courses without an institute)")

    def handle(self, *args, slug, site, **options):
        if site == bool(slug):
            raise CommandError("Give an institute's slug, or --site.")
        if site:
            issuer = Issuer(SITE_ISSUER)
        else:
            institute = institute_by_slug(slug)
            if institute is None:
                raise CommandError(f"No institute has the slug {slug!r}.")
            issuer = Issuer(str(institute.translation_key), institute.slug)
        key = signing_key_rotate(issuer=issuer.key)
        method = issuer.verification_method(key.public_key_multibase)
        self.stdout.write(self.style.SUCCESS(f"New key for {issuer.did}: {method}"))

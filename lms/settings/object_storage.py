"""Uploads and generated PDFs on S3-compatible object storage (django-storages), when AWS_STORAGE_BUCKET_NAME is set:
what several app servers need, as none of them can read another's disk. Static files stay with WhiteNoise.

- "default" (uploads: images, their renditions, documents, logos and signature scans): under AWS_MEDIA_PREFIX
  ("media") of the bucket. Browsers get signed addresses that last AWS_QUERYSTRING_EXPIRE seconds (an hour), so the
  bucket itself needs no public access; AWS_QUERYSTRING_AUTH=false gives plain addresses, for a bucket (or a CDN in
  front of it) that anyone may read.
- "private" (certificates, workbooks with answer keys, workshop packs): under AWS_PRIVATE_PREFIX ("private") of
  AWS_PRIVATE_BUCKET_NAME (the same bucket unless set). Objects are written with the "private" ACL and only ever
  streamed by the app after its permission check: no address to them is handed out.
"""

from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"


def _flag(environ, name: str, default: bool) -> bool:
    value = environ.get(name, "").strip().lower()
    return default if not value else value not in ("false", "0", "no")


def s3_settings(environ) -> dict | None:
    """STORAGES["default"] and ["private"], MEDIA_URL and Wagtail's document serving for object storage, or None
    when AWS_STORAGE_BUCKET_NAME is not set (files stay on the local disk)."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return None
    private_bucket = environ.get("AWS_PRIVATE_BUCKET_NAME", "").strip() or bucket
    signed_media = _flag(environ, "AWS_QUERYSTRING_AUTH", True)
    if not signed_media and private_bucket == bucket:
        raise ImproperlyConfigured(
            "AWS_QUERYSTRING_AUTH=false means anyone may read the bucket: set AWS_PRIVATE_BUCKET_NAME to another"
            " bucket, which nobody may read, for the certificates and workbooks."
        )
    endpoint = environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None
    common = {
        # Unset: boto3 looks further (an instance role, ~/.aws).
        "access_key": environ.get("AWS_ACCESS_KEY_ID", "").strip() or None,
        "secret_key": environ.get("AWS_SECRET_ACCESS_KEY", "").strip() or None,
        "endpoint_url": endpoint,
        "region_name": environ.get("AWS_S3_REGION_NAME", "").strip() or None,
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE", "").strip() or ("path" if endpoint else None),
        "signature_version": "s3v4",
        # One PUT replaces an object whole: a reader gets the old file or the new one (lms.pdf.store relies on it).
        "file_overwrite": True,
        # An object read for a download is kept in memory up to 10 MB, then in a temporary file.
        "max_memory_size": 10 * 1024 * 1024,
        # An unreachable store answers an error (and /ready/ says 503) in seconds, not after minutes of retries.
        "client_config": Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}),
    }
    media_prefix = environ.get("AWS_MEDIA_PREFIX", "media").strip("/")
    media = {
        **common,
        "bucket_name": bucket,
        "location": media_prefix,
        "querystring_auth": signed_media,
        "querystring_expire": int(environ.get("AWS_QUERYSTRING_EXPIRE", "3600")),
        "custom_domain": environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip() or None,
    }
    private = {
        **common,
        "bucket_name": private_bucket,
        "location": environ.get("AWS_PRIVATE_PREFIX", "private").strip("/"),
        "default_acl": "private",
        "querystring_auth": True,  # were an address ever made, it would be signed and short-lived
        "querystring_expire": 300,
    }
    if media["custom_domain"]:
        media_url = f"https://{media['custom_domain']}/{media_prefix}/"
    elif endpoint:
        media_url = f"{endpoint.rstrip('/')}/{bucket}/{media_prefix}/"
    else:
        media_url = f"https://{bucket}.s3.amazonaws.com/{media_prefix}/"
    return {
        "storages": {
            "default": {"BACKEND": S3_BACKEND, "OPTIONS": media},
            "private": {"BACKEND": S3_BACKEND, "OPTIONS": private},
        },
        # Where browsers load uploads from: the Content-Security-Policy allows its origin (lms.security), and PDF
        # rendering reads addresses under it from the storage (lms.pdf.render).
        "media_url": media_url,
    }

"""The five ILM elements in Swahili, Bahasa Indonesia and Arabic, the languages added to LANGUAGES with issue 18.

Like 0002, the texts are content written once here (editors refine them in the admin); each element keeps the
translation_key 0002 gave it in every language, so a learner's progress per element reads the same in all of them.
"""

from importlib import import_module

from django.db import migrations

initial = import_module("curriculum.migrations.0002_ilm_elements")

ELEMENTS = {
    "sw": {
        1: ("Ushirikiano wa mandhari", "Kuunda na kudumisha ushirikiano wa wadau wa mandhari: makubaliano, utawala "
            "na ujumuishi."),
        2: ("Uelewa wa pamoja", "Kujenga uelewa wa pamoja wa mandhari na watu wake: mpaka, kanda, uchambuzi na "
            "mielekeo."),
        3: ("Dira na mipango", "Kukubaliana dira ya muda mrefu, mkakati na mpango kazi: malengo, nadharia ya "
            "mabadiliko na vipaumbele."),
        4: ("Kuchukua hatua", "Kugharamia, kuratibu na kutekeleza: jalada la uwekezaji, vyanzo vya fedha, "
            "ufuatiliaji na mawasiliano."),
        5: ("Matokeo na kujifunza", "Kupima matokeo na kujifunza kutokana nayo: viashiria, ufuatiliaji, tafakari, "
            "usimamizi unaobadilika na muhtasari wa mafunzo."),
    },
    "id": {
        1: ("Kemitraan lanskap", "Membentuk dan mempertahankan kemitraan para pemangku kepentingan lanskap: "
            "kesepakatan, tata kelola, dan inklusi."),
        2: ("Pemahaman bersama", "Membangun pemahaman bersama tentang lanskap dan masyarakatnya: batas, zona, "
            "analisis, dan skenario."),
        3: ("Visi dan perencanaan", "Menyepakati visi jangka panjang, strategi, dan rencana aksi: target, teori "
            "perubahan, dan prioritas."),
        4: ("Mengambil tindakan", "Mendanai, mengoordinasikan, dan melaksanakan: portofolio investasi, sumber "
            "pendanaan, pemantauan, dan komunikasi."),
        5: ("Dampak dan pembelajaran", "Mengukur dampak dan belajar darinya: indikator, pemantauan, refleksi, "
            "pengelolaan adaptif, dan ringkasan pembelajaran."),
    },
    "ar": {
        1: ("شراكة المشهد الطبيعي", "تكوين شراكة بين أصحاب المصلحة في المشهد الطبيعي والحفاظ عليها: الاتفاق "
            "والحوكمة والشمول."),
        2: ("الفهم المشترك", "بناء فهم مشترك للمشهد الطبيعي وأهله: الحدود والمناطق والتحليل والسيناريوهات."),
        3: ("الرؤية والتخطيط", "الاتفاق على رؤية طويلة الأمد واستراتيجية وخطة عمل: الأهداف ونظرية التغيير "
            "والأولويات."),
        4: ("العمل والتنفيذ", "التمويل والتنسيق والتنفيذ: حافظة استثمارات ومصادر تمويل ومتابعة وتواصل."),
        5: ("الأثر والتعلّم", "قياس الأثر والتعلّم منه: المؤشرات والرصد والتأمل والإدارة التكيفية وموجزات التعلّم."),
    },
}


def create_elements(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    ILMElement = apps.get_model("curriculum", "ILMElement")
    for language_code, elements in ELEMENTS.items():
        locale, _created = Locale.objects.get_or_create(language_code=language_code)
        for number, (title, description) in elements.items():
            ILMElement.objects.update_or_create(
                translation_key=initial.element_translation_key(number),
                locale=locale,
                defaults={
                    "number": number,
                    "title": title,
                    "description": description,
                    "colour": initial.COLOURS[number],
                },
            )


def remove_elements(apps, schema_editor):
    ILMElement = apps.get_model("curriculum", "ILMElement")
    ILMElement.objects.filter(locale__language_code__in=list(ELEMENTS)).delete()


class Migration(migrations.Migration):
    dependencies = [("curriculum", "0010_handout_block")]

    operations = [migrations.RunPython(create_elements, remove_elements)]

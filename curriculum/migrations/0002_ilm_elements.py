"""Create the shipped locales and the five ILM elements in each of them.

The elements are content (editors may refine their wording in the admin), so their texts live here once, not in the
gettext catalogues. Each element keeps one translation_key across languages, fixed so that every database agrees.
"""

import uuid

from django.db import migrations

ELEMENT_KEY_NAMESPACE = uuid.UUID("6f1c2f44-6a0e-4f57-9a55-0a7c3e1b2d01")

COLOURS = {1: "#1f5f8b", 2: "#6b4f1d", 3: "#2e6b30", 4: "#8a3b12", 5: "#5b3a7a"}

ELEMENTS = {
    "en": {
        1: ("Landscape partnership", "Form and sustain a partnership of the landscape's stakeholders: agreement, "
            "governance and inclusion."),
        2: ("Shared understanding", "Build a shared understanding of the landscape and its people: boundary, zones, "
            "analysis and scenarios."),
        3: ("Vision and planning", "Agree a long-term vision, a strategy and an action plan: targets, theory of "
            "change and priorities."),
        4: ("Taking action", "Finance, coordinate and implement: an investment portfolio, finance sources, tracking "
            "and communication."),
        5: ("Impact and learning", "Measure impact and learn from it: indicators, monitoring, reflection, adaptive "
            "management and learning briefs."),
    },
    "fr": {
        1: ("Partenariat paysager", "Former et entretenir un partenariat des acteurs du paysage : accord, "
            "gouvernance et inclusion."),
        2: ("Compréhension commune", "Construire une compréhension commune du paysage et de ses acteurs : limites, "
            "zones, analyse et scénarios."),
        3: ("Vision et planification", "Forger une vision à long terme, une stratégie et un plan d'action : cibles, "
            "théorie du changement et priorités."),
        4: ("Passer à l'action", "Financer, coordonner et mettre en œuvre : portefeuille d'investissements, sources "
            "de financement, suivi et communication."),
        5: ("Impact et apprentissage", "Évaluer les impacts et en tirer les leçons : indicateurs, suivi, réflexion, "
            "gestion adaptative et notes d'apprentissage."),
    },
    "es": {
        1: ("Alianza de paisaje", "Formar y mantener una alianza de los actores del paisaje: acuerdo, gobernanza e "
            "inclusión."),
        2: ("Entendimiento compartido", "Construir un entendimiento compartido del paisaje y su gente: límites, "
            "zonas, análisis y escenarios."),
        3: ("Visión y planificación", "Acordar una visión a largo plazo, una estrategia y un plan de acción: metas, "
            "teoría del cambio y prioridades."),
        4: ("Pasar a la acción", "Financiar, coordinar e implementar: portafolio de inversiones, fuentes de "
            "financiamiento, seguimiento y comunicación."),
        5: ("Impacto y aprendizaje", "Medir el impacto y aprender de él: indicadores, monitoreo, reflexión, manejo "
            "adaptativo y notas de aprendizaje."),
    },
    "pt": {
        1: ("Parceria de paisagem", "Formar e manter uma parceria dos atores da paisagem: acordo, governança e "
            "inclusão."),
        2: ("Entendimento compartilhado", "Construir um entendimento compartilhado da paisagem e das pessoas: "
            "limites, zonas, análise e cenários."),
        3: ("Visão e planejamento", "Definir uma visão de longo prazo, uma estratégia e um plano de ação: metas, "
            "teoria da mudança e prioridades."),
        4: ("Colocar em ação", "Financiar, coordenar e implementar: portfólio de investimentos, fontes de "
            "financiamento, acompanhamento e comunicação."),
        5: ("Impacto e aprendizagem", "Medir o impacto e aprender com ele: indicadores, monitoramento, reflexão, "
            "gestão adaptativa e notas de aprendizagem."),
    },
}


def element_translation_key(number):
    return uuid.uuid5(ELEMENT_KEY_NAMESPACE, f"ilm-element-{number}")


def create_elements(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    ILMElement = apps.get_model("curriculum", "ILMElement")
    for language_code, elements in ELEMENTS.items():
        locale, _created = Locale.objects.get_or_create(language_code=language_code)
        for number, (title, description) in elements.items():
            ILMElement.objects.update_or_create(
                translation_key=element_translation_key(number),
                locale=locale,
                defaults={"number": number, "title": title, "description": description, "colour": COLOURS[number]},
            )


def remove_elements(apps, schema_editor):
    ILMElement = apps.get_model("curriculum", "ILMElement")
    ILMElement.objects.filter(translation_key__in=[element_translation_key(n) for n in COLOURS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_elements, remove_elements)]

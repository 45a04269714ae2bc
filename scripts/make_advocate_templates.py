"""Make the default DOCX templates of the advocates programme (issue 6): the cover letter to the head
of a JST and the cooperation agreement ("Wzór porozumienia o współpracy międzyinstytucjonalnej
wspierającej rozwój sektora ekonomii społecznej na terenie województwa …",
sources/mazowsze-rzecznicy-es-dokumenty.txt section 8; its content follows sections 1, 3, 4 and 5).

The files are committed in lacznik/advocates/data/templates/; run this script again after changing
the texts below:

    .venv/bin/python scripts/make_advocate_templates.py

Placeholders are docxtpl / Jinja2 expressions (`{{ jst_nazwa }}`), each inside one run so that Word
keeps them whole; their meaning is listed on the templates page (lacznik/advocates/documents.py,
PLACEHOLDERS). Regional coordinators download these files, change them in Word and upload them again.
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "lacznik" / "advocates" / "data" / "templates"


def _document() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.0)
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    style.paragraph_format.space_after = Pt(6)
    core = document.core_properties
    core.author = "Łącznik"
    core.comments = (
        "Szablon Łącznika: pola w podwójnych nawiasach klamrowych są opisane na stronie szablonów."
    )
    return document


def _paragraph(document, text: str = "", *, bold: bool = False, align=None, size: int | None = None):
    paragraph = document.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _justified(document, text: str):
    return _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def cover_letter() -> Document:
    document = _document()
    _paragraph(document, "{{ miejscowosc }}, {{ data }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "{{ strona_1 }}", bold=True)
    _paragraph(document)
    for line, bold in (
        ("{{ adresat_imie_nazwisko }}", True),
        ("{{ adresat_tytul }}", True),
        ("{{ adres_urzedu }}", False),
    ):
        paragraph = _paragraph(document, line, bold=bold)
        paragraph.paragraph_format.left_indent = Cm(9)
        paragraph.paragraph_format.space_after = Pt(0)
    _paragraph(document)
    _paragraph(document, "Dotyczy: przedsięwzięcia „Rzecznicy Ekonomii Społecznej”", bold=True)
    _paragraph(document, "{{ zwrot }},")
    _justified(
        document,
        "{{ strona_1 }} realizuje przedsięwzięcie „Rzecznicy Ekonomii Społecznej”. Jego celem jest "
        "powołanie w gminach i powiatach województwa {{ wojewodztwo_dopelniacz }} Rzeczników Ekonomii "
        "Społecznej – pracowników urzędów, którzy staną się łącznikami pomiędzy samorządem a naszą "
        "instytucją – oraz wsparcie ich działań na rzecz rozwoju ekonomii społecznej w regionie.",
    )
    _justified(
        document,
        "Uprzejmie zapraszamy do udziału w przedsięwzięciu i prosimy o rozważenie wskazania Rzecznika "
        "Ekonomii Społecznej spośród pracowników urzędu {{ urzad_dopelniacz }}. Rzecznik będzie na "
        "swoim terenie informować o ekonomii społecznej, współpracować z Ośrodkami Wsparcia Ekonomii "
        "Społecznej, edukować pracowników samorządu, dbać o odpowiedzialne zakupy (zamówienia publiczne "
        "z klauzulami społecznymi), tworzyć i aktualizować informacje o ekonomii społecznej na stronie "
        "internetowej urzędu, brać udział w opracowaniu lokalnych planów rozwoju ekonomii społecznej "
        "oraz uczestniczyć w lokalnych wydarzeniach związanych z ekonomią społeczną.",
    )
    _justified(
        document,
        "Rzecznik otrzyma od nas bezpłatne wsparcie: szkolenia na temat ekonomii społecznej, bieżące "
        "doradztwo, drukowane materiały informacyjne (w tym pakiet startowy), staże w Ośrodkach Wsparcia "
        "Ekonomii Społecznej, wizyty studyjne w podmiotach ekonomii społecznej oraz udział w targach, "
        "konferencjach i seminariach.",
    )
    _justified(
        document,
        "Współpracę potwierdzi porozumienie o współpracy międzyinstytucjonalnej wspierającej rozwój "
        "sektora ekonomii społecznej na terenie województwa {{ wojewodztwo_dopelniacz }}. Chętnie "
        "przedstawimy ideę rzecznictwa ekonomii społecznej podczas wizyty w urzędzie {{ urzad_dopelniacz }}.",
    )
    _paragraph(document)
    _paragraph(document, "Z wyrazami szacunku", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document)
    _paragraph(document, "{{ reprezentant_1 }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "{{ strona_1 }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    return document


AGREEMENT_SECTIONS = [
    (
        "§ 1. Przedmiot i cel porozumienia",
        [
            "Przedmiotem porozumienia jest współpraca Stron na rzecz rozwoju sektora ekonomii społecznej "
            "na terenie {{ urzad_dopelniacz }} i województwa {{ wojewodztwo_dopelniacz }}, w szczególności "
            "powołanie i działalność Rzecznika Ekonomii Społecznej.",
            "Celem współpracy jest nawiązanie bezpośredniej i trwałej relacji pomiędzy Samorządem a "
            "Koordynatorem, usprawnienie koordynacji działań na rzecz rozwoju ekonomii społecznej w regionie "
            "oraz zwiększenie widoczności ekonomii społecznej.",
        ],
    ),
    (
        "§ 2. Rzecznik Ekonomii Społecznej",
        [
            "Samorząd w terminie 30 dni od dnia zawarcia porozumienia wskazuje spośród pracowników swojego "
            "urzędu osobę pełniącą funkcję Rzecznika Ekonomii Społecznej (dalej: Rzecznik) i informuje o tym "
            "Koordynatora na piśmie.",
            "Rzecznik na terenie gminy lub powiatu: a) informuje o ekonomii społecznej; b) współpracuje w"
            " tym zakresie z Ośrodkami Wsparcia Ekonomii Społecznej; c) edukuje pracowników jednostek "
            "samorządu terytorialnego na temat ekonomii społecznej i solidarnej; d) dba o odpowiedzialne "
            "zakupy, w tym o zamówienia publiczne uwzględniające klauzule społeczne; e) tworzy i "
            "aktualizuje informacje dotyczące ekonomii społecznej na stronie internetowej urzędu; f) "
            "bierze udział w opracowaniu lokalnych planów rozwoju ekonomii społecznej; g) uczestniczy w "
            "lokalnych wydarzeniach związanych z ekonomią społeczną; h) informuje na bieżąco Koordynatora"
            " o zrealizowanych działaniach.",
            "Zmiana osoby pełniącej funkcję Rzecznika wymaga pisemnego powiadomienia Koordynatora i nie "
            "stanowi zmiany porozumienia.",
        ],
    ),
    (
        "§ 3. Wsparcie Rzecznika",
        [
            "Koordynator zapewnia Rzecznikowi nieodpłatne wsparcie w postaci: a) szkoleń na temat ekonomii "
            "społecznej; b) bieżącego doradztwa dotyczącego zagadnień związanych z funkcjonowaniem podmiotów "
            "ekonomii społecznej; c) drukowanych materiałów o charakterze informacyjnym, w tym pakietu "
            "startowego; d) staży w Ośrodkach Wsparcia Ekonomii Społecznej; e) wizyt studyjnych w podmiotach "
            "ekonomii społecznej; f) możliwości udziału w targach, konferencjach i seminariach poświęconych "
            "ekonomii społecznej.",
        ],
    ),
    (
        "§ 4. Zobowiązania Samorządu",
        [
            "Samorząd umożliwia Rzecznikowi wykonywanie zadań, o których mowa w § 2 ust. 2, oraz udział we "
            "wsparciu, o którym mowa w § 3.",
            "Samorząd współpracuje z Koordynatorem przy opracowaniu lokalnego planu działań Rzecznika oraz "
            "przy jego cyklicznej ocenie.",
        ],
    ),
    (
        "§ 5. Koszty i dane osobowe",
        [
            "Porozumienie nie rodzi zobowiązań finansowych. Każda ze Stron ponosi koszty własne związane z "
            "jego wykonaniem.",
            "Strony przetwarzają dane osobowe Rzecznika wyłącznie w zakresie niezbędnym do wykonania "
            "porozumienia, zgodnie z przepisami o ochronie danych osobowych.",
        ],
    ),
    (
        "§ 6. Czas trwania",
        [
            "Porozumienie obowiązuje od dnia jego zawarcia na czas nieokreślony.",
            "Każda ze Stron może wypowiedzieć porozumienie z zachowaniem jednomiesięcznego okresu "
            "wypowiedzenia, ze skutkiem na koniec miesiąca kalendarzowego.",
        ],
    ),
    (
        "§ 7. Postanowienia końcowe",
        [
            "Zmiany porozumienia wymagają formy pisemnej pod rygorem nieważności.",
            "W sprawach nieuregulowanych porozumieniem stosuje się przepisy Kodeksu cywilnego.",
            "Porozumienie sporządzono w dwóch jednobrzmiących egzemplarzach, po jednym dla każdej ze Stron.",
        ],
    ),
]


def agreement() -> Document:
    document = _document()
    _paragraph(
        document,
        "POROZUMIENIE nr {{ numer_porozumienia }}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=14,
    )
    _paragraph(
        document,
        "o współpracy międzyinstytucjonalnej wspierającej rozwój sektora ekonomii społecznej "
        "na terenie województwa {{ wojewodztwo_dopelniacz }}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph(
        document,
        "zawarte w dniu {{ data_podpisania }}, miejsce zawarcia: {{ miejscowosc }}, pomiędzy:",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _justified(
        document,
        "Stroną 1: {{ strona_1 }}, w imieniu której działa {{ reprezentant_1 }}, "
        "zwaną dalej „Koordynatorem”,",
    )
    _justified(document, "a")
    _justified(
        document,
        "Stroną 2: {{ strona_2 }} (TERYT {{ jst_teryt }}), {{ adres_urzedu }}, w imieniu której działa "
        "{{ reprezentant_2 }}, zwaną dalej „Samorządem”.",
    )
    for heading, points in AGREEMENT_SECTIONS:
        _paragraph(document, heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for number, point in enumerate(points, start=1):
            _justified(document, f"{number}. {point}" if len(points) > 1 else point)
    _paragraph(document)
    table = document.add_table(rows=3, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, (who, name) in enumerate(
        (("Za Koordynatora", "{{ reprezentant_1 }}"), ("Za Samorząd", "{{ reprezentant_2 }}"))
    ):
        table.cell(0, column).text = who
        table.cell(1, column).text = "\n\n……………………………………"
        table.cell(2, column).text = name
        for row in range(3):
            table.cell(row, column).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    cover_letter().save(OUT / "cover_letter.docx")
    agreement().save(OUT / "agreement.docx")
    print(f"Written {OUT / 'cover_letter.docx'} and {OUT / 'agreement.docx'}")


if __name__ == "__main__":
    main()

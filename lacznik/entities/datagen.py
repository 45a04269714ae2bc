"""Synthetic PES and their offer at national scale (lacznik.core.datagen), for the benchmark of issue #5.

At scale 1.0: about 120,000 entities over all 2,477 gminas (weighted by the gmina's kind: a rural gmina
gets few, a city with powiat rights many, the largest cities and Warsaw most), legal forms in roughly the
country's proportions (mostly associations and foundations, ~1,500 social cooperatives, a few hundred
CIS, KIS, WTZ and ZAZ), ~10% holding the przedsiębiorstwo społeczne status (never a form that cannot
hold it, models.NO_SOCIAL_ENTERPRISE_STATUS) with the wojewoda's decision, their annual reports (most
filed), and about 400,000 offer items with real CPV 2008 codes of what PES sell (catering, cleaning,
green areas, printing, works, sewing, care, training...), named and described from a vocabulary of
ordinary Polish phrases so that the search meets realistic word frequencies.

Everything looks synthetic: every name carries "Przykładow-" and a number, streets are "ul. Przykładowa",
e-mails and websites are on syntetyczne.example, and identifiers are valid (check digits from
python-stdnum) but taken from ranges no register gives out: NIP 00…, REGON 00…, KRS 09…, so a
generated number never names a real organisation. The search document is computed as
`search.entity_document` computes it, before the bulk insert (SQLite's trigger fills FTS5, PostgreSQL's
generated column the tsvector). Bulk inserts write no history rows.
"""

import random
from datetime import date, timedelta
from functools import lru_cache
from itertools import count

from django.core.management import call_command
from stdnum.pl import nip, regon

from lacznik.core.datagen import SYNTHETIC_DOMAIN, BatchWriter, generator, scaled
from lacznik.core.text import polish_sort_key
from lacznik.cpv.models import CpvCode
from lacznik.territory.models import Unit

from . import search
from .models import NO_SOCIAL_ENTERPRISE_STATUS, AnnualReport, Entity, LegalForm, Mark, OfferItem

ENTITIES = 120_000
OFFER_ITEMS = 400_000
# Share of entities with the przedsiębiorstwo społeczne status, among those whose form may hold it.
PS_SHARE = 0.105
PROSOCIAL_MARK = "zakup-prospoleczny"

# Identifier ranges no register uses: tax offices are numbered from 1xx, REGONs began with a
# voivodeship code (01-97), the KRS has not reached 0100000000. Entity n gets number n in each range.
NIP_PREFIX = "00"  # + 7 digits + check digit
REGON_PREFIX = "00"  # + 6 digits + check digit
KRS_PREFIX = "09"  # + 8 digits

# Expected entities per gmina, relative: by kind, with cities with powiat rights (powiat code 61+),
# the nine next-largest cities and Warsaw above them (Warsaw alone holds about a tenth of Poland's NGOs).
GMINA_WEIGHT = {Unit.Kind.RURAL: 20, Unit.Kind.URBAN_RURAL: 40, Unit.Kind.URBAN: 60}
CITY_WITH_POWIAT_RIGHTS_WEIGHT = 500
LARGE_CITIES = {
    "1261011": 2500,  # Kraków
    "1061011": 2500,  # Łódź
    "0264011": 2500,  # Wrocław
    "3064011": 2500,  # Poznań
    "2261011": 2500,  # Gdańsk
    "3262011": 2000,  # Szczecin
    "0461011": 1800,  # Bydgoszcz
    "0663011": 1800,  # Lublin
    "2061011": 1500,  # Białystok
    "2469011": 1800,  # Katowice
    "1465011": 12000,  # Warszawa
}

# Legal forms: (relative weight, mean offer items, chance of a KRS number, chance of NIP and REGON).
FORMS = {
    LegalForm.ASSOCIATION: (68_000, 3.0, 0.8, 0.95),
    LegalForm.FOUNDATION: (31_000, 3.5, 1.0, 0.98),
    LegalForm.OTHER_NGO: (5_000, 2.5, 0.3, 0.7),
    LegalForm.SPORTS_CLUB: (5_500, 2.0, 0.6, 0.9),
    LegalForm.CHURCH_LEGAL_PERSON: (2_200, 2.5, 0.0, 0.9),
    LegalForm.NONPROFIT_COMPANY: (1_500, 5.0, 1.0, 1.0),
    LegalForm.SOCIAL_COOPERATIVE: (1_500, 6.0, 1.0, 1.0),
    LegalForm.WORKERS_COOPERATIVE: (800, 6.0, 1.0, 1.0),
    LegalForm.AGRICULTURAL_COOPERATIVE: (500, 4.0, 1.0, 1.0),
    LegalForm.OCCUPATIONAL_THERAPY_WORKSHOP: (700, 4.0, 0.0, 0.6),
    LegalForm.VOCATIONAL_ACTIVITY_ESTABLISHMENT: (120, 5.0, 0.0, 0.8),
    LegalForm.SOCIAL_INTEGRATION_CENTRE: (200, 5.0, 0.0, 0.8),
    LegalForm.SOCIAL_INTEGRATION_CLUB: (300, 3.0, 0.0, 0.6),
}
# Among forms that may hold the status, cooperatives and non-profit companies hold it far more often.
PS_PROPENSITY = {
    LegalForm.SOCIAL_COOPERATIVE: 8.0,
    LegalForm.WORKERS_COOPERATIVE: 3.0,
    LegalForm.NONPROFIT_COMPANY: 4.0,
    LegalForm.AGRICULTURAL_COOPERATIVE: 2.0,
}

NAME_PATTERNS = {
    LegalForm.SOCIAL_COOPERATIVE: "Spółdzielnia Socjalna „{theme}” nr {number}",
    LegalForm.WORKERS_COOPERATIVE: "Spółdzielnia Pracy „{theme}” nr {number}",
    LegalForm.AGRICULTURAL_COOPERATIVE: "Rolnicza Spółdzielnia Produkcyjna „{theme}” nr {number}",
    LegalForm.OCCUPATIONAL_THERAPY_WORKSHOP: "Warsztat Terapii Zajęciowej „{theme}” nr {number}",
    LegalForm.VOCATIONAL_ACTIVITY_ESTABLISHMENT: "Zakład Aktywności Zawodowej „{theme}” nr {number}",
    LegalForm.SOCIAL_INTEGRATION_CENTRE: "Centrum Integracji Społecznej „{theme}” nr {number}",
    LegalForm.SOCIAL_INTEGRATION_CLUB: "Klub Integracji Społecznej „{theme}” nr {number}",
    LegalForm.FOUNDATION: "Fundacja „{theme}” nr {number}",
    LegalForm.ASSOCIATION: "Stowarzyszenie „{theme}” nr {number}",
    LegalForm.OTHER_NGO: "Koło Gospodyń Wiejskich „{theme}” nr {number}",
    LegalForm.CHURCH_LEGAL_PERSON: "Dzieło Charytatywne „{theme}” nr {number}",
    LegalForm.NONPROFIT_COMPANY: "Spółka Non-Profit „{theme}” sp. z o.o. nr {number}",
    LegalForm.SPORTS_CLUB: "Klub Sportowy „{theme}” nr {number}",
}
FORM_INTRO = {
    LegalForm.SOCIAL_COOPERATIVE: "Spółdzielnia socjalna założona w {year} r.",
    LegalForm.WORKERS_COOPERATIVE: "Spółdzielnia pracy działająca od {year} r.",
    LegalForm.AGRICULTURAL_COOPERATIVE: "Rolnicza spółdzielnia produkcyjna działająca od {year} r.",
    LegalForm.OCCUPATIONAL_THERAPY_WORKSHOP: "Warsztat terapii zajęciowej prowadzony od {year} r.",
    LegalForm.VOCATIONAL_ACTIVITY_ESTABLISHMENT: "Zakład aktywności zawodowej utworzony w {year} r.",
    LegalForm.SOCIAL_INTEGRATION_CENTRE: "Centrum integracji społecznej działające od {year} r.",
    LegalForm.SOCIAL_INTEGRATION_CLUB: "Klub integracji społecznej prowadzony od {year} r.",
    LegalForm.FOUNDATION: "Fundacja ustanowiona w {year} r.",
    LegalForm.ASSOCIATION: "Stowarzyszenie zarejestrowane w {year} r.",
    LegalForm.OTHER_NGO: "Koło gospodyń wiejskich działające od {year} r.",
    LegalForm.CHURCH_LEGAL_PERSON: "Kościelna osoba prawna prowadząca działalność charytatywną od {year} r.",
    LegalForm.NONPROFIT_COMPANY: "Spółka non-profit założona w {year} r.",
    LegalForm.SPORTS_CLUB: "Klub sportowy założony w {year} r.",
}
MISSIONS = (
    "Zatrudniamy osoby zagrożone wykluczeniem społecznym.",
    "Wspieramy osoby z niepełnosprawnościami w powrocie na rynek pracy.",
    "Prowadzimy działalność pożytku publicznego na rzecz mieszkańców gminy.",
    "Działamy na rzecz seniorów i rodzin w trudnej sytuacji życiowej.",
    "Organizujemy zajęcia dla dzieci i młodzieży z małych miejscowości.",
    "Dbamy o rozwój lokalnej społeczności i dziedzictwo regionu.",
    "Cały zysk przeznaczamy na reintegrację społeczną i zawodową naszych pracowników.",
    "Współpracujemy z ośrodkiem pomocy społecznej i powiatowym urzędem pracy.",
    "Jesteśmy członkiem regionalnej sieci podmiotów ekonomii społecznej.",
    "Realizujemy projekty współfinansowane ze środków Unii Europejskiej.",
)
GENERIC_PHRASES = (
    "Zatrudniamy osoby zagrożone wykluczeniem społecznym.",
    "Realizujemy zamówienia publiczne z klauzulami społecznymi.",
    "Wystawiamy faktury VAT.",
    "Działamy na terenie całego powiatu.",
    "Zapraszamy do współpracy samorządy, firmy i osoby prywatne.",
    "Cenę ustalamy indywidualnie.",
    "Dochód przeznaczamy na cele społeczne.",
    "Termin realizacji do uzgodnienia.",
    "Stałym klientom oferujemy rabaty.",
    "Kupując u nas, wspierasz reintegrację zawodową i społeczną.",
)


class Trade:
    """What an entity does: the themes of its name, its offer items (CPV code, name) and phrases."""

    def __init__(
        self, key: str, themes: tuple[str, ...], items: tuple[tuple[str, str], ...], phrases: tuple[str, ...]
    ):
        self.key, self.themes, self.items, self.phrases = key, themes, items, phrases


TRADES = {
    trade.key: trade
    for trade in (
        Trade(
            "catering",
            ("Przykładowy Smak", "Przykładowa Kuchnia", "Przykładowy Kociołek", "Przykładowa Spiżarnia"),
            (
                ("55520000-1", "Catering na spotkania i konferencje"),
                ("55524000-9", "Obiady dla szkół i przedszkoli"),
                ("55523100-3", "Posiłki szkolne z dowozem"),
                ("55321000-6", "Przygotowywanie posiłków dla ośrodków pomocy społecznej"),
                ("55521100-9", "Dowóz obiadów do domów seniorów"),
                ("55510000-8", "Usługi cateringowe i bufety okolicznościowe"),
                ("55300000-3", "Prowadzenie stołówki pracowniczej"),
                ("55320000-9", "Przerwy kawowe i lunche na szkolenia"),
                ("15812000-3", "Ciasta i wypieki domowe na zamówienie"),
                ("15810000-9", "Pieczywo z własnej piekarni"),
            ),
            (
                "Przygotowujemy zdrowe posiłki z lokalnych produktów.",
                "Oferujemy usługi cateringowe na szkolenia, konferencje i uroczystości rodzinne.",
                "Zapewniamy dowóz posiłków w termosach i pojemnikach.",
                "Menu dostosowujemy do diet: wegetariańskiej, bezglutenowej i cukrzycowej.",
                "Gotujemy domowe obiady dla dzieci i seniorów.",
                "Mamy własną kuchnię zatwierdzoną przez sanepid.",
                "Przygotowujemy przerwy kawowe, lunche i kolacje okolicznościowe.",
                "Pieczemy ciasta według tradycyjnych przepisów.",
            ),
        ),
        Trade(
            "cleaning",
            ("Przykładowy Porządek", "Przykładowa Czystość", "Przykładowy Błysk"),
            (
                ("90910000-9", "Sprzątanie biur i urzędów"),
                ("90911200-8", "Sprzątanie klatek schodowych i budynków"),
                ("90911300-9", "Mycie okien i witryn"),
                ("90919200-4", "Codzienne sprzątanie biur"),
                ("90610000-6", "Sprzątanie ulic i chodników"),
                ("90620000-9", "Odśnieżanie terenów i parkingów"),
                ("90511000-2", "Wywóz odpadów wielkogabarytowych"),
                ("98310000-9", "Pranie i prasowanie odzieży roboczej"),
                ("98312000-3", "Pranie pościeli i obrusów"),
            ),
            (
                "Sprzątamy biura, szkoły i budynki użyteczności publicznej.",
                "Używamy ekologicznych środków czystości.",
                "Pracujemy także wieczorem i w weekendy.",
                "Myjemy okna na wysokości do trzech kondygnacji.",
                "Zimą odśnieżamy chodniki, parkingi i place.",
                "Prowadzimy własną pralnię z odbiorem i dowozem prania.",
                "Utrzymujemy porządek na terenach wspólnot mieszkaniowych.",
            ),
        ),
        Trade(
            "green",
            ("Przykładowa Zieleń", "Przykładowy Ogród", "Przykładowa Łąka"),
            (
                ("77310000-6", "Utrzymanie terenów zielonych"),
                ("77311000-3", "Pielęgnacja ogrodów przydomowych"),
                ("77313000-7", "Utrzymanie parków i skwerów"),
                ("77314100-5", "Koszenie trawników"),
                ("77312000-0", "Usuwanie chwastów i odrostów"),
                ("77342000-9", "Przycinanie żywopłotów"),
                ("77341000-2", "Pielęgnacja i przycinanie drzew"),
                ("77211400-6", "Wycinka drzew i krzewów"),
                ("77320000-9", "Utrzymanie boisk i terenów sportowych"),
                ("03121100-6", "Sadzonki roślin ozdobnych z własnej szkółki"),
            ),
            (
                "Kosimy trawniki, przycinamy żywopłoty i grabimy liście.",
                "Zakładamy i pielęgnujemy tereny zielone gmin i wspólnot.",
                "Sadzimy drzewa, krzewy i kwiaty sezonowe.",
                "Dysponujemy kosiarkami, podkaszarkami i rębakiem.",
                "Utrzymujemy zieleń miejską przez cały sezon.",
                "Sprzątamy parki, place zabaw i cmentarze.",
            ),
        ),
        Trade(
            "printing",
            ("Przykładowa Drukarnia", "Przykładowy Druk", "Przykładowa Introligatornia"),
            (
                ("79810000-5", "Druk ulotek i plakatów"),
                ("79811000-2", "Druk cyfrowy wizytówek"),
                ("79823000-9", "Druk i dostawa materiałów szkoleniowych"),
                ("79822500-7", "Projekty graficzne i skład publikacji"),
                ("79820000-8", "Oprawa introligatorska dokumentów"),
                ("22462000-6", "Materiały reklamowe z nadrukiem"),
                ("79520000-5", "Skanowanie i kserowanie dokumentów"),
                ("79342200-5", "Kampanie promocyjne dla organizacji"),
            ),
            (
                "Drukujemy ulotki, plakaty, broszury i wizytówki.",
                "Projektujemy materiały promocyjne i identyfikację wizualną.",
                "Oprawiamy prace dyplomowe i dokumenty.",
                "Realizujemy małe i średnie nakłady w krótkim terminie.",
                "Drukujemy na papierze z recyklingu.",
            ),
        ),
        Trade(
            "construction",
            ("Przykładowy Remont", "Przykładowa Budowa", "Przykładowy Fach"),
            (
                ("45453000-7", "Remonty mieszkań i lokali"),
                ("45442100-8", "Malowanie ścian i elewacji"),
                ("45410000-4", "Tynkowanie i gładzie"),
                ("45431000-7", "Układanie płytek"),
                ("45432100-5", "Układanie podłóg i paneli"),
                ("45421000-4", "Montaż drzwi i okien"),
                ("45262690-4", "Remonty starych budynków"),
                ("45233252-0", "Układanie kostki brukowej"),
                ("45112700-2", "Kształtowanie terenu i niwelacja"),
                ("45111000-8", "Rozbiórki i prace wyburzeniowe"),
            ),
            (
                "Wykonujemy remonty mieszkań, szkół i budynków gminnych.",
                "Malujemy, tynkujemy, układamy płytki i panele.",
                "Układamy kostkę brukową na chodnikach i podjazdach.",
                "Zatrudniamy doświadczonych fachowców budowlanych.",
                "Udzielamy gwarancji na wykonane roboty budowlane.",
                "Wykonujemy drobne prace wykończeniowe i naprawy.",
            ),
        ),
        Trade(
            "sewing",
            ("Przykładowa Igła", "Przykładowa Nitka", "Przykładowa Szwalnia"),
            (
                ("18110000-3", "Szycie odzieży roboczej"),
                ("18130000-9", "Odzież ochronna i fartuchy"),
                ("18234000-8", "Spodnie robocze na miarę"),
                ("39512000-4", "Szycie pościeli"),
                ("39513000-1", "Obrusy i serwetki"),
                ("39515000-5", "Zasłony i firany na zamówienie"),
                ("18443000-6", "Czapki i nakrycia głowy z haftem"),
                ("18222000-1", "Odzież firmowa z logo"),
            ),
            (
                "Szyjemy odzież roboczą, fartuchy i stroje na zamówienie.",
                "Haftujemy logo na odzieży i tekstyliach.",
                "Szyjemy pościel, obrusy, zasłony i firany.",
                "Wykonujemy przeróbki krawieckie i naprawy odzieży.",
                "Przyjmujemy zamówienia hurtowe dla szkół i zakładów pracy.",
            ),
        ),
        Trade(
            "care",
            ("Przykładowa Opieka", "Przykładowa Przystań", "Przykładowe Wsparcie"),
            (
                ("85311100-3", "Opieka nad osobami starszymi"),
                ("85311200-4", "Usługi opiekuńcze dla osób z niepełnosprawnościami"),
                ("85312100-0", "Dzienny dom pobytu dla seniorów"),
                ("85312110-3", "Opieka dzienna nad dziećmi"),
                ("85312400-3", "Usługi opiekuńcze w miejscu zamieszkania"),
                ("85312320-8", "Poradnictwo rodzinne i psychologiczne"),
                ("85312500-4", "Rehabilitacja i zajęcia ruchowe"),
                ("85320000-8", "Usługi społeczne dla mieszkańców gminy"),
                ("85311300-5", "Opieka nad dziećmi i młodzieżą"),
                ("60130000-8", "Przewóz osób z niepełnosprawnościami"),
            ),
            (
                "Świadczymy usługi opiekuńcze w domu podopiecznego.",
                "Prowadzimy dzienny dom pobytu i klub seniora.",
                "Zapewniamy asystencję osobistą osobom z niepełnosprawnościami.",
                "Organizujemy zajęcia rehabilitacyjne i terapeutyczne.",
                "Współpracujemy z ośrodkami pomocy społecznej.",
                "Opiekunki mają kwalifikacje i wieloletnie doświadczenie.",
                "Dowozimy podopiecznych na zajęcia i wizyty lekarskie.",
            ),
        ),
        Trade(
            "training",
            ("Przykładowa Akademia", "Przykładowa Wiedza", "Przykładowy Rozwój"),
            (
                ("80500000-9", "Szkolenia dla pracowników samorządu"),
                ("80530000-8", "Kursy zawodowe dla osób bezrobotnych"),
                ("80570000-0", "Warsztaty rozwoju osobistego"),
                ("80400000-8", "Edukacja dorosłych i uniwersytet trzeciego wieku"),
                ("80550000-4", "Szkolenia z pierwszej pomocy"),
                ("80540000-1", "Edukacja ekologiczna"),
                ("80310000-0", "Zajęcia edukacyjne dla młodzieży"),
                ("80340000-9", "Zajęcia dla dzieci ze specjalnymi potrzebami"),
                ("79530000-8", "Tłumaczenia pisemne"),
            ),
            (
                "Prowadzimy szkolenia i warsztaty dla dorosłych.",
                "Szkolimy pracowników urzędów, szkół i organizacji pozarządowych.",
                "Organizujemy kursy zawodowe zakończone egzaminem.",
                "Trenerzy mają doświadczenie w pracy z grupami.",
                "Zapewniamy salę szkoleniową, materiały i poczęstunek.",
                "Prowadzimy zajęcia edukacyjne dla dzieci i młodzieży.",
            ),
        ),
        Trade(
            "crafts",
            ("Przykładowa Pracownia", "Przykładowe Rękodzieło", "Przykładowa Glina"),
            (
                ("37800000-6", "Rękodzieło artystyczne"),
                ("37820000-2", "Ceramika i wyroby artystyczne"),
                ("39298900-6", "Dekoracje świąteczne"),
                ("39142000-9", "Meble ogrodowe z drewna"),
                ("39150000-8", "Meble i wyposażenie z palet"),
                ("50850000-8", "Renowacja mebli"),
                ("03142100-9", "Miód z własnej pasieki"),
                ("15331000-7", "Przetwory warzywne i kiszonki"),
            ),
            (
                "Wykonujemy ręcznie upominki, kartki i dekoracje.",
                "Przygotowujemy zestawy prezentowe dla firm i instytucji.",
                "Nasze wyroby powstają w pracowni ceramiki i stolarni.",
                "Sprzedajemy produkty na kiermaszach i przez internet.",
                "Odnawiamy stare meble i nadajemy im nowe życie.",
            ),
        ),
        Trade(
            "events",
            ("Przykładowa Przygoda", "Przykładowy Horyzont", "Przykładowa Scena"),
            (
                ("79952000-2", "Organizacja imprez i pikników"),
                ("79952100-3", "Organizacja wydarzeń kulturalnych"),
                ("92331210-5", "Animacje dla dzieci"),
                ("92312000-1", "Występy artystyczne"),
                ("55110000-4", "Noclegi w gospodarstwie agroturystycznym"),
                ("55210000-5", "Noclegi w schronisku"),
                ("79961000-8", "Usługi fotograficzne"),
                ("92620000-3", "Zajęcia sportowe i rekreacyjne"),
            ),
            (
                "Organizujemy festyny, pikniki rodzinne i imprezy integracyjne.",
                "Prowadzimy animacje dla dzieci z malowaniem twarzy.",
                "Zapewniamy nagłośnienie, namioty i catering.",
                "Oferujemy noclegi i wyżywienie dla grup zorganizowanych.",
                "Przygotowujemy wycieczki i rajdy po okolicy.",
            ),
        ),
        Trade(
            "sport",
            ("Przykładowy Start", "Przykładowa Olimpia", "Przykładowy Sokół"),
            (
                ("92620000-3", "Treningi piłki nożnej dla dzieci"),
                ("92600000-7", "Zajęcia sportowe dla seniorów"),
                ("80310000-0", "Obozy sportowe dla młodzieży"),
                ("79952000-2", "Organizacja turniejów i zawodów"),
                ("77320000-9", "Utrzymanie boisk"),
            ),
            (
                "Prowadzimy treningi dla dzieci, młodzieży i dorosłych.",
                "Organizujemy turnieje, zawody i obozy sportowe.",
                "Udostępniamy boisko i salę gimnastyczną.",
                "Trenerzy mają uprawnienia instruktorskie.",
            ),
        ),
        Trade(
            "services",
            ("Przykładowa Usługa", "Przykładowy Serwis", "Przykładowa Pomoc"),
            (
                ("79710000-4", "Ochrona obiektów"),
                ("98341130-5", "Dozór i stróżowanie"),
                ("60000000-8", "Przewóz osób i towarów"),
                ("72413000-8", "Projektowanie stron internetowych"),
                ("79530000-8", "Tłumaczenia dokumentów"),
                ("79612000-7", "Obsługa sekretariatu"),
                ("50800000-3", "Drobne naprawy i konserwacja"),
                ("98351000-8", "Obsługa parkingów"),
            ),
            (
                "Zapewniamy ochronę i dozór obiektów przez całą dobę.",
                "Przewozimy osoby i towary busami.",
                "Projektujemy strony internetowe dostępne dla osób z niepełnosprawnościami.",
                "Wykonujemy drobne naprawy i prace konserwacyjne.",
                "Obsługujemy parkingi, szatnie i recepcje.",
            ),
        ),
    )
}
# What each legal form tends to do (relative weights of trades).
FORM_TRADES = {
    LegalForm.SOCIAL_COOPERATIVE: {
        "catering": 5,
        "cleaning": 5,
        "green": 5,
        "construction": 4,
        "printing": 2,
        "sewing": 2,
        "care": 3,
        "crafts": 2,
        "events": 1,
        "services": 2,
    },
    LegalForm.WORKERS_COOPERATIVE: {
        "construction": 4,
        "sewing": 3,
        "printing": 2,
        "catering": 2,
        "services": 3,
        "crafts": 2,
    },
    LegalForm.AGRICULTURAL_COOPERATIVE: {"crafts": 3, "green": 4, "catering": 2},
    LegalForm.OCCUPATIONAL_THERAPY_WORKSHOP: {"crafts": 6, "sewing": 3, "catering": 2, "printing": 1},
    LegalForm.VOCATIONAL_ACTIVITY_ESTABLISHMENT: {
        "cleaning": 4,
        "catering": 3,
        "sewing": 2,
        "printing": 2,
        "green": 2,
        "crafts": 1,
    },
    LegalForm.SOCIAL_INTEGRATION_CENTRE: {
        "cleaning": 4,
        "green": 4,
        "construction": 4,
        "catering": 3,
        "sewing": 1,
    },
    LegalForm.SOCIAL_INTEGRATION_CLUB: {"training": 3, "cleaning": 2, "green": 2, "care": 2},
    LegalForm.FOUNDATION: {"care": 4, "training": 4, "events": 3, "crafts": 2, "catering": 1, "services": 1},
    LegalForm.ASSOCIATION: {
        "care": 4,
        "training": 4,
        "events": 4,
        "sport": 2,
        "crafts": 2,
        "catering": 1,
        "green": 1,
    },
    LegalForm.OTHER_NGO: {"catering": 4, "crafts": 4, "events": 3},
    LegalForm.CHURCH_LEGAL_PERSON: {"care": 5, "catering": 2, "training": 1, "events": 1},
    LegalForm.NONPROFIT_COMPANY: {"services": 3, "cleaning": 3, "care": 2, "training": 2, "green": 1},
    LegalForm.SPORTS_CLUB: {"sport": 8, "events": 2, "training": 1},
}
# Offer items per entity scaled so that the whole country has OFFER_ITEMS at scale 1.0.
_MEAN_OFFERS = sum(weight * offers for weight, offers, _krs, _ids in FORMS.values()) / sum(
    weight for weight, *_rest in FORMS.values()
)
# 1.07: what the cap below and the trades' short item lists cut off the exponential draw.
OFFER_FACTOR = 1.07 * (OFFER_ITEMS / ENTITIES) / _MEAN_OFFERS
MAX_OFFERS = 20


# --- identifiers ----------------------------------------------------------------------------------


def synthetic_nip(number: int) -> str | None:
    """The NIP of entity `number` in the synthetic range (None when no check digit exists for it)."""
    body = f"{NIP_PREFIX}{number:07d}"
    check = nip.checksum(body + "0")  # the check digit's weight is -1: the sum with 0 is the digit
    if check == 10:
        return None
    value = body + str(check)
    assert nip.is_valid(value)
    return value


def synthetic_regon(number: int) -> str:
    if number > 999_999:
        raise OverflowError("The synthetic REGON range holds 999,999 entities (scale 8).")
    body = f"{REGON_PREFIX}{number:06d}"
    return body + regon.calc_check_digit(body)


def synthetic_krs(number: int) -> str:
    return f"{KRS_PREFIX}{number:08d}"


class Numbers:
    """Unique identifiers for the data set: a NIP skips the numbers with no valid check digit."""

    def __init__(self, start: int = 1):
        self._nip = count(start)
        self._regon = count(start)
        self._krs = count(start)

    def nip(self) -> str:
        while (value := synthetic_nip(next(self._nip))) is None:
            pass
        return value

    def regon(self) -> str:
        return synthetic_regon(next(self._regon))

    def krs(self) -> str:
        return synthetic_krs(next(self._krs))


# --- the CPV dictionary ---------------------------------------------------------------------------


def ensure_cpv_dictionary() -> dict[str, CpvCode]:
    """The CPV codes the offer uses, loading the bundled dictionary first when they are not there."""
    wanted = {code for trade in TRADES.values() for code, _name in trade.items}
    if CpvCode.objects.filter(code__in=wanted).count() < len(wanted):
        call_command("import_cpv", verbosity=0)
    found = {code.code: code for code in CpvCode.objects.filter(code__in=wanted)}
    missing = wanted - set(found)
    if missing:
        raise LookupError(f"CPV codes missing from the dictionary: {sorted(missing)}")
    return found


# --- the generator --------------------------------------------------------------------------------


def synthetic_entities():
    return Entity.objects.unscoped(reason="synthetic data of every territory").filter(
        email__endswith=f"@{SYNTHETIC_DOMAIN}"
    )


def clear_entities() -> int:
    """Remove the synthetic entities with their offer, marks and reports, in bulk and without history
    (they were made without any). On SQLite the delete trigger takes them out of the FTS5 index."""
    entities = synthetic_entities()
    removed = 0
    for related in (
        OfferItem.objects.unscoped(reason="synthetic data of every territory").filter(entity__in=entities),
        Entity.marks.through.objects.filter(entity__in=entities),
        Entity.representatives.through.objects.filter(entity__in=entities),
        AnnualReport.objects.filter(entity__in=entities),
    ):
        removed += related._raw_delete(related.db)
    return removed + entities._raw_delete(entities.db)


def gmina_weight(code: str, kind: str) -> int:
    if code in LARGE_CITIES:
        return LARGE_CITIES[code]
    if int(code[2:4]) >= 61:
        return CITY_WITH_POWIAT_RIGHTS_WEIGHT
    return GMINA_WEIGHT.get(kind, GMINA_WEIGHT[Unit.Kind.RURAL])


# The national total of weights, so that a gmina's expected count does not depend on which other
# gminas are in the register (a test's small register gets what those gminas get nationally).
NATIONAL_WEIGHT = (
    1464 * 20 + 711 * 40 + (302 - 66) * 60 + (66 - len(LARGE_CITIES)) * 500 + sum(LARGE_CITIES.values())
)


@lru_cache(maxsize=100_000)
def _document(text: str) -> str:
    # Item names, descriptions and CPV names repeat: their documents are computed once.
    return search.document(text)


def entity_search_document(entity: Entity, items: list[OfferItem]) -> str:
    """What search.entity_document(entity, published items) gives, from cached pieces: the document of
    several texts is the documents of each, space-joined (a word never spans two texts)."""
    name = search.document(entity.name)
    texts = [
        name,
        name,
        _document(entity.city),
        _document(entity.description),
        _document(search.legal_form_words(entity.legal_form)),
    ]
    published = [item for item in items if item.is_published]
    for item in published:
        texts += [_document(item.name), _document(item.description), _document(item.cpv.name)]
    texts.append(search.entity_facets(entity, published))
    return " ".join(text for text in texts if text)


class EntityMaker:
    """Makes one synthetic entity with its offer, marks and reports and hands them to the writer."""

    def __init__(self, rng: random.Random, writer: BatchWriter, cpv: dict[str, CpvCode]):
        self.rng = rng
        self.writer = writer
        self.cpv = cpv
        self.numbers = Numbers()
        self.serial = count(1)
        self.decisions = count(1)
        self.forms = list(FORMS)
        self.form_weights = [FORMS[form][0] for form in self.forms]
        self.mark = Mark.objects.filter(code=PROSOCIAL_MARK).first()
        self.today = date.today()
        # The last year whose annual report is due (31 March) or nearly so.
        self.last_year = self.today.year - 1
        self.memberships = Entity.marks.through
        ps_forms = [form for form in self.forms if form not in NO_SOCIAL_ENTERPRISE_STATUS]
        propensity_total = sum(FORMS[form][0] * PS_PROPENSITY.get(form, 1.0) for form in ps_forms)
        eligible = sum(FORMS[form][0] for form in ps_forms)
        # The chance for a form: its propensity, scaled so PS_SHARE of eligible entities hold the status.
        self.ps_chance = {
            form: min(0.9, PS_SHARE * eligible * PS_PROPENSITY.get(form, 1.0) / propensity_total)
            for form in ps_forms
        }

    def make(self, gmina: tuple[int, str, str]) -> None:
        rng = self.rng
        gmina_pk, code, gmina_name = gmina
        number = next(self.serial)
        form = rng.choices(self.forms, self.form_weights)[0]
        _weight, mean_offers, krs_chance, ids_chance = FORMS[form]
        trade_weights = FORM_TRADES[form]
        trades = [TRADES[rng.choices(list(trade_weights), list(trade_weights.values()))[0]]]
        if rng.random() < 0.35:
            second = TRADES[rng.choice(list(trade_weights))]
            if second is not trades[0]:
                trades.append(second)
        founded = self._founded(form)
        has_ids = rng.random() < ids_chance
        entity = Entity(
            name=NAME_PATTERNS[form].format(theme=rng.choice(trades[0].themes), number=number),
            legal_form=form,
            krs=self.numbers.krs() if rng.random() < krs_chance else "",
            nip=self.numbers.nip() if has_ids else "",
            regon=self.numbers.regon() if has_ids else "",
            gmina_id=gmina_pk,
            teryt=code,
            street=f"ul. Przykładowa {rng.randint(1, 120)}",
            postal_code=f"{rng.randint(0, 99):02d}-{rng.randint(0, 999):03d}",
            city=gmina_name,
            email=f"kontakt.{number:06d}@{SYNTHETIC_DOMAIN}",
            phone=f"+48 000 {number // 1000:03d} {number % 1000:03d}" if rng.random() < 0.8 else "",
            website=f"https://pes-{number:06d}.{SYNTHETIC_DOMAIN}/" if rng.random() < 0.4 else "",
            description=" ".join(
                [
                    FORM_INTRO[form].format(year=founded),
                    rng.choice(MISSIONS),
                    rng.choice(trades[0].phrases),
                ]
            ),
            founded_year=founded,
            employees=self._employees(form),
            is_published=rng.random() < 0.98,
        )
        if form in self.ps_chance and rng.random() < self.ps_chance[form]:
            self._grant_status(entity, founded)
        items = self._offer(entity, trades, round(rng.expovariate(1 / (mean_offers * OFFER_FACTOR))))
        entity.search_document = entity_search_document(entity, items)
        entity.sort_name = polish_sort_key(entity.name)
        self.writer.add(entity)
        for item in items:
            self.writer.add(item)
        if self.mark is not None and rng.random() < (0.2 if entity.ps_granted_on else 0.005):
            self.writer.add(self.memberships(entity=entity, mark_id=self.mark.pk))
        if entity.ps_granted_on:
            self._reports(entity)

    def _founded(self, form: str) -> int:
        if form == LegalForm.SOCIAL_COOPERATIVE:
            return self.rng.randint(2006, self.last_year)
        if form in (LegalForm.WORKERS_COOPERATIVE, LegalForm.AGRICULTURAL_COOPERATIVE):
            return self.rng.randint(1950, 2015)
        return self.rng.randint(1990, self.last_year)

    def _employees(self, form: str) -> int | None:
        if self.rng.random() < 0.15:
            return None
        if form in (LegalForm.VOCATIONAL_ACTIVITY_ESTABLISHMENT, LegalForm.WORKERS_COOPERATIVE):
            return self.rng.randint(15, 90)
        if form in (
            LegalForm.SOCIAL_COOPERATIVE,
            LegalForm.SOCIAL_INTEGRATION_CENTRE,
            LegalForm.NONPROFIT_COMPANY,
        ):
            return self.rng.randint(3, 30)
        return self.rng.randint(0, 12)

    def _grant_status(self, entity: Entity, founded: int) -> None:
        # The UoES came into force on 31 October 2022; the first decisions are from 2023.
        start = date(max(2023, founded), 1, 1)
        end = date(self.last_year, 12, 31)
        if start > end:
            return
        granted = start + timedelta(days=self.rng.randrange((end - start).days + 1))
        entity.ps_granted_on = granted
        entity.ps_decision_number = f"PS.{entity.teryt[:2]}.{granted.year}.{next(self.decisions):05d}"
        if self.rng.random() < 0.04:
            lost = granted + timedelta(days=180 + self.rng.randrange(720))
            if lost <= end:
                entity.ps_lost_on = lost

    def _reports(self, entity: Entity) -> None:
        for year in range(entity.ps_granted_on.year, self.last_year + 1):
            if entity.ps_lost_on and entity.ps_lost_on < date(year + 1, 3, 31):
                break
            # Most file every year; fewer have filed the latest report yet.
            if self.rng.random() < (0.85 if year == self.last_year else 0.95):
                filed = date(year + 1, 1, 2) + timedelta(days=self.rng.randrange(88))
                if filed <= self.today:
                    self.writer.add(AnnualReport(entity=entity, year=year, filed_on=filed))

    def _offer(self, entity: Entity, trades: list[Trade], wanted: int) -> list[OfferItem]:
        rng = self.rng
        choices = [(trade, code, name) for trade in trades for code, name in trade.items]
        items = []
        for trade, code, name in rng.sample(choices, min(wanted, MAX_OFFERS, len(choices))):
            phrases = rng.sample(trade.phrases, 2)
            if rng.random() < 0.5:
                phrases.append(rng.choice(GENERIC_PHRASES))
            items.append(
                OfferItem(
                    entity=entity,
                    teryt=entity.teryt,
                    cpv=self.cpv[code],
                    name=name,
                    description=" ".join(phrases),
                    is_published=rng.random() < 0.97,
                )
            )
        return items


@generator("entities", order=20, clear=clear_entities)
def generate_entities(scale: float, rng: random.Random, writer: BatchWriter) -> None:
    gminas = list(Unit.objects.current().gminas().order_by("code").values_list("pk", "code", "name", "kind"))
    if not gminas:
        raise LookupError("The TERC register is empty: run manage.py import_terc first.")
    maker = EntityMaker(rng, writer, ensure_cpv_dictionary())
    # A register grows over the years with entities of every region, not one region after another:
    # the gminas' entities are made in a shuffled order (the newest rows hold every territory's share).
    places = [
        (pk, code, name)
        for pk, code, name, kind in gminas
        for _ in range(scaled(rng, ENTITIES * scale * gmina_weight(code, kind) / NATIONAL_WEIGHT))
    ]
    rng.shuffle(places)
    for place in places:
        maker.make(place)

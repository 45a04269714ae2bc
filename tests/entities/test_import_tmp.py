import time
from lacznik.entities.imports import run_import, ImportFileRejected
from .import_helpers import row, csv_file, counts, regon
from .factories import gmina, cpv

def test_perf(mazowsze_coordinator):
    gmina("1465011"); cpv()
    rows = [row(i, regon=regon(i), oferta_nazwa="Obiady", oferta_cpv="55520000-1", ulica="ul. Długa 5", kod_pocztowy="00-950", email=f"biuro{i}@x.example", www="x.example", opis="Catering dla szkół i przedszkoli, usługi sprzątania") for i in range(1, 10001)]
    data = csv_file(rows)
    bad = list(rows); bad[5000] = dict(bad[5000], nip="1234567890")
    t = time.time()
    try:
        run_import(csv_file(bad), user=mazowsze_coordinator)
    except ImportFileRejected as e:
        print("rejected", round(time.time() - t, 2), e.errors)
    t = time.time(); report = run_import(data, user=mazowsze_coordinator); print("import", round(time.time() - t, 2), report.entities_created, counts())
    t = time.time(); report = run_import(data, user=mazowsze_coordinator); print("reimport", round(time.time() - t, 2), report.entities_unchanged, counts())

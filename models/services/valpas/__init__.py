"""Valpas reads and writes (DOMAIN.md §6), one module per concern:

- `access`: who may see whom (roles, the kunta and oppilaitos checks, turvakielto), and the lookups they need;
- `role_grants`: who may grant which Valpas role;
- `facts`: the facts the pure rules (`models.rules.oppivelvollisuus`) decide from, loaded set-wise;
- `paging`: the lists' order, cursor, first page and export chunks;
- `automaattinen_tarkistus`: who is on the kunta's automatic check list;
- `hakeutumisvalvonta`: the provider's pupils finishing perusopetus;
- `records`: the notes and records providers and kunnat make (muu haku, vapautus, keskeytys);
- `korjaukset`: their corrections with history (a keskeytys ended or cancelled, a vapautus cancelled);
- `kuntailmoitus`: who may make a kuntailmoitus, its validation, and the sent and received lists.

The lists are computed from the current tables on every request, so a Koski transfer shows at once (§6.3: the
reference service lags a day, we do not) and nobody can remove a row by hand.
"""

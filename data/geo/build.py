#!/usr/bin/env python3
"""Build the choropleth boundary files shipped in data/geo/.

Writes, next to this script:

  voivodeships.geojson  16 voivodeships (województwa)
  powiaty.geojson       380 powiaty (counties and cities with powiat rights)

Each feature has `id` = its TERYT code and exactly the properties
{"teryt": code, "name": official name from data/teryt/*.csv}. Coordinates are
WGS84 lon/lat rounded to 3 decimals (about 100 m); consecutive duplicate points
are dropped, rings stay closed, rings with fewer than 4 points are dropped (a
feature always keeps at least one polygon), and rings are rewound to RFC 7946
order (exterior counter-clockwise, holes clockwise). If a file is still larger
than its size target after rounding, it is simplified with Douglas-Peucker
(tolerance in degrees, tried in a fixed order, so the output is deterministic).

Sources and licences:

* Voivodeships: wojewodztwa GeoJSON from
  github.com/waszkiewiczja/GeoJSON-Polska-Wojewodztwa-Powiaty-Gminy
  (GUGiK PRG via geoportal.gov.pl, updated 2025-08; the publisher states it is
  public domain / free to use). Default path:
  ../shared/data/geo/wojewodztwa_waszkiewiczja_2025.geojson. Its properties
  JPT_KOD_JE (2-digit TERYT code) and JPT_NAZWA_ (name) are checked against
  data/teryt/wojewodztwa.csv.
* Powiaty: powiaty/powiaty-min.geojson from github.com/ppatrzyk/polska-geojson
  at commit 74a22f97cf822aa1cb49802c1700ccb8b6340eca, MIT licence,
  (c) 2019 Piotr Patrzyk, converted from GUGiK PRG. NOT public domain: the
  licence notice (LICENSE-powiaty-ppatrzyk.txt) must ship beside the file.
  Read from a git mirror by default (git show <commit>:<path>), or from a
  plain file with --powiaty-file. Its features carry only `nazwa`
  ("powiat bytomski", "powiat Kraków"), so this script joins them to the
  4-digit TERYT codes of data/teryt/powiaty.csv: by normalised name where the
  name is unique, through an explicit rename table for powiaty renamed since
  2019, and by centroid (the powiaty.csv centroid that falls inside the
  feature's polygon, plain ray casting) where a name is ambiguous or missing.
  Every one of the 380 powiaty must be matched exactly once, or the script
  exits with an error.

The output is committed to the repository because the program runs without
network access; re-run this script only to rebuild it:

    python3 data/geo/build.py [--voivodeships-src PATH]
                              [--powiaty-git GITDIR | --powiaty-file PATH]

Standard library only.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
TERYT_DIR = os.path.join(HERE, os.pardir, "teryt")

# The project's reference set sits beside the checkout (../shared); the powiaty
# come from a clone of github.com/ppatrzyk/polska-geojson (bare or not).
DEFAULT_VOIVODESHIPS_SRC = os.path.join(
    HERE, os.pardir, os.pardir, os.pardir, "shared", "data", "geo",
    "wojewodztwa_waszkiewiczja_2025.geojson",
)
DEFAULT_POWIATY_GIT = os.environ.get("POLSKA_GEOJSON_GIT", "polska-geojson.git")
POWIATY_COMMIT = "74a22f97cf822aa1cb49802c1700ccb8b6340eca"
POWIATY_PATH = "powiaty/powiaty-min.geojson"

VOIVODESHIPS_OUT = os.path.join(HERE, "voivodeships.geojson")
POWIATY_OUT = os.path.join(HERE, "powiaty.geojson")

VOIVODESHIPS_TARGET = 250 * 1024
POWIATY_TARGET = 400 * 1024
# Douglas-Peucker tolerances (degrees) tried in order until the file fits.
TOLERANCES = (None, 0.001, 0.002, 0.003, 0.004, 0.005)
DECIMALS = 3

# Powiaty renamed after the 2019 source was made: source name -> TERYT name
# (together with the TERYT code, so a rename can never hit the wrong one).
RENAMES = {
    # powiat jeleniogórski was renamed powiat karkonoski on 2021-01-01.
    "jeleniogórski": ("karkonoski", "0206"),
}


def fail(msg):
    sys.stderr.write("build.py: error: %s\n" % msg)
    sys.exit(1)


# ---------------------------------------------------------------- geometry

def polygons_of(geom):
    """List of polygons (each a list of rings) of a Polygon/MultiPolygon."""
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    if geom["type"] == "MultiPolygon":
        return list(geom["coordinates"])
    fail("unsupported geometry type %r" % geom["type"])


def point_in_ring(x, y, ring):
    """Ray casting (even-odd rule); the ring may or may not be closed."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y):
            xcross = xi + (y - yi) * (xj - xi) / (yj - yi)
            if x < xcross:
                inside = not inside
        j = i
    return inside


def point_in_geometry(lon, lat, geom):
    for poly in polygons_of(geom):
        if not poly or not point_in_ring(lon, lat, poly[0]):
            continue
        if any(point_in_ring(lon, lat, hole) for hole in poly[1:]):
            continue
        return True
    return False


def in_bbox(lon, lat, geom):
    pts = [p for poly in polygons_of(geom) for p in poly[0]]
    return (min(p[0] for p in pts) <= lon <= max(p[0] for p in pts)
            and min(p[1] for p in pts) <= lat <= max(p[1] for p in pts))


def signed_area(ring):
    s = 0.0
    for i in range(len(ring) - 1):
        s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
    return s / 2.0


def seg_dist2(p, a, b):
    """Squared distance from p to segment ab (a point if a == b)."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    px, py = p[0] - ax, p[1] - ay
    den = dx * dx + dy * dy
    if den == 0.0:
        return px * px + py * py
    t = (px * dx + py * dy) / den
    if t < 0.0:
        t = 0.0
    elif t > 1.0:
        t = 1.0
    ex, ey = px - t * dx, py - t * dy
    return ex * ex + ey * ey


def douglas_peucker(points, tol):
    """Douglas-Peucker on a polyline (iterative). Keeps both end points; for
    a closed ring the end points coincide and distances are taken to that
    point, so the farthest vertex is kept and the ring stays closed."""
    n = len(points)
    if n < 3:
        return list(points)
    tol2 = tol * tol
    keep = [False] * n
    keep[0] = keep[n - 1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        best, best_i = -1.0, -1
        a, b = points[first], points[last]
        for i in range(first + 1, last):
            d = seg_dist2(points[i], a, b)
            if d > best:
                best, best_i = d, i
        if best_i >= 0 and best > tol2:
            keep[best_i] = True
            stack.append((first, best_i))
            stack.append((best_i, last))
    return [p for p, k in zip(points, keep) if k]


def clean_ring(ring, tol):
    """Simplify (optional), round, drop consecutive duplicates, close.
    Returns None if the ring degenerates to fewer than 4 points."""
    pts = [(float(p[0]), float(p[1])) for p in ring]
    if pts and pts[0] != pts[-1]:
        pts.append(pts[0])
    if tol is not None:
        pts = douglas_peucker(pts, tol)
    out = []
    for x, y in pts:
        q = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != q:
            out.append(q)
    if len(out) > 1 and out[0] != out[-1]:
        out.append(list(out[0]))
    if len(out) < 4 or signed_area(out) == 0.0:
        return None
    return out


def orient(ring, ccw):
    a = signed_area(ring)
    if (a > 0) != ccw:
        ring = ring[::-1]
    return ring


def clean_polygon(poly, tol):
    ext = clean_ring(poly[0], tol)
    if ext is None:
        return None
    rings = [orient(ext, True)]
    for hole in poly[1:]:
        h = clean_ring(hole, tol)
        if h is not None:
            rings.append(orient(h, False))
    return rings


def clean_geometry(geom, tol, label):
    polys = polygons_of(geom)
    out = [p for p in (clean_polygon(poly, tol) for poly in polys) if p is not None]
    if not out and tol is not None:
        # Never drop a feature's last polygon: fall back to rounding only.
        out = [p for p in (clean_polygon(poly, None) for poly in polys) if p is not None]
    if not out:
        fail("%s: every polygon degenerates after rounding" % label)
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


# ---------------------------------------------------------------- output

def dump(features):
    fc = {"type": "FeatureCollection", "features": features}
    return (json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def build_file(items, target, label):
    """items: list of (teryt, name, source geometry), sorted by teryt.
    Tries the tolerances in order; returns (bytes, tolerance, features)."""
    data = feats = None
    for tol in TOLERANCES:
        feats = []
        for code, name, geom in items:
            feats.append({
                "type": "Feature",
                "id": code,
                "properties": {"teryt": code, "name": name},
                "geometry": clean_geometry(geom, tol, "%s %s %s" % (label, code, name)),
            })
        data = dump(feats)
        if len(data) <= target:
            return data, tol, feats
    fail("%s: %d bytes even at tolerance %s (target %d)" % (label, len(data), TOLERANCES[-1], target))


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# ---------------------------------------------------------------- sources

def read_csv(name):
    with open(os.path.join(TERYT_DIR, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def norm_name(s):
    s = unicodedata.normalize("NFC", s).strip()
    s = " ".join(s.split())
    for prefix in ("powiat ", "m.st. ", "m. st. ", "m. ", "miasto "):
        if s.lower().startswith(prefix):
            s = s[len(prefix):]
            break
    return s


def load_voivodeships(path):
    rows = read_csv("wojewodztwa.csv")
    official = {r["teryt"]: r["nazwa"] for r in rows}
    if len(official) != 16:
        fail("wojewodztwa.csv has %d codes, expected 16" % len(official))
    with open(path, encoding="utf-8") as f:
        src = json.load(f)
    seen = {}
    for feat in src["features"]:
        props = feat["properties"]
        code = str(props.get("JPT_KOD_JE", "")).strip()
        if code not in official:
            fail("voivodeship source: code %r not in wojewodztwa.csv" % code)
        if code in seen:
            fail("voivodeship source: code %s appears twice" % code)
        src_name = norm_name(str(props.get("JPT_NAZWA_", "")))
        if src_name.lower() != official[code].lower():
            fail("voivodeship %s: source name %r != %r" % (code, src_name, official[code]))
        seen[code] = feat["geometry"]
    missing = sorted(set(official) - set(seen))
    if missing:
        fail("voivodeship source lacks codes %s" % missing)
    return [(c, official[c], seen[c]) for c in sorted(seen)]


def read_powiaty_source(args):
    if args.powiaty_file:
        with open(args.powiaty_file, "rb") as f:
            raw = f.read()
    else:
        gitdir = args.powiaty_git
        if os.path.isdir(os.path.join(gitdir, ".git")):
            gitdir = os.path.join(gitdir, ".git")
        try:
            raw = subprocess.check_output(
                ["git", "--git-dir=" + gitdir, "show", "%s:%s" % (args.powiaty_commit, POWIATY_PATH)])
        except (OSError, subprocess.CalledProcessError) as e:
            fail("cannot read %s:%s from %s: %s" % (args.powiaty_commit, POWIATY_PATH, gitdir, e))
    return json.loads(raw.decode("utf-8"))


def load_powiaty(args):
    rows = read_csv("powiaty.csv")
    by_code = {}
    for r in rows:
        if r["teryt"] in by_code:
            fail("powiaty.csv: duplicate code %s" % r["teryt"])
        by_code[r["teryt"]] = r
    if len(by_code) != 380:
        fail("powiaty.csv has %d codes, expected 380" % len(by_code))
    by_name = {}
    for r in rows:
        by_name.setdefault(norm_name(r["nazwa"]), []).append(r["teryt"])

    src = read_powiaty_source(args)
    feats = src["features"]
    if len(feats) != 380:
        fail("powiaty source has %d features, expected 380" % len(feats))

    assigned = {}       # code -> (feature index, how)
    pending = []        # (feature index, source name, candidate codes or None)
    notes = []
    for i, feat in enumerate(feats):
        src_name = norm_name(str(feat["properties"].get("nazwa", "")))
        name = src_name
        if src_name in RENAMES:
            name, code = RENAMES[src_name]
            if by_code.get(code, {}).get("nazwa") != name:
                fail("rename %r -> %r: code %s is not %r in powiaty.csv" % (src_name, name, code, name))
            # Sanity check: the centroid must at least fall in the feature's
            # bounding box (a ring-shaped powiat has its centroid in the city
            # it surrounds, so inside-the-polygon is too strict here).
            lon, lat = float(by_code[code]["centroid_lon"]), float(by_code[code]["centroid_lat"])
            if not in_bbox(lon, lat, feat["geometry"]):
                fail("rename %r -> %s: centroid not even in the feature's bounding box" % (src_name, code))
            if code in assigned:
                fail("code %s matched twice" % code)
            assigned[code] = (i, "renamed from 'powiat %s'" % src_name)
            notes.append("%s %s: source name 'powiat %s' (renamed 2021-01-01), matched by the "
                         "rename table (centroid inside the polygon: %s)"
                         % (code, name, src_name,
                            "yes" if point_in_geometry(lon, lat, feat["geometry"]) else "no, in its bounding box"))
            continue
        codes = by_name.get(name)
        if codes and len(codes) == 1:
            code = codes[0]
            if code in assigned:
                fail("code %s (%s) matched twice by name" % (code, name))
            assigned[code] = (i, "name")
        else:
            pending.append((i, src_name, codes))

    # Ambiguous or unknown names: the powiaty.csv centroid inside the polygon.
    # Same-name groups are resolved together; a ring-shaped powiat (its
    # centroid lies in the city it surrounds) gets the code left over once
    # its namesake has been matched, if that centroid is in its bounding box.
    groups = {}
    for i, src_name, codes in pending:
        key = tuple(codes) if codes else None
        groups.setdefault(key, []).append((i, src_name))
    for key in sorted(groups, key=lambda k: (k is None, k or ())):
        members = groups[key]
        pool = list(key) if key else [c for c in sorted(by_code) if c not in assigned]
        unresolved = []
        for i, src_name in members:
            hits = [c for c in pool
                    if c not in assigned
                    and point_in_geometry(float(by_code[c]["centroid_lon"]),
                                          float(by_code[c]["centroid_lat"]), feats[i]["geometry"])]
            if len(hits) > 1:
                fail("source feature %d (%r): %d candidate centroids inside (%s)"
                     % (i, src_name, len(hits), ", ".join(hits)))
            if not hits:
                unresolved.append((i, src_name))
                continue
            code = hits[0]
            how = "centroid inside, among %s" % ("/".join(key) if key else "all unmatched")
            assigned[code] = (i, how)
            notes.append("%s %s (%s): source name 'powiat %s', matched by %s"
                         % (code, by_code[code]["nazwa"], by_code[code]["wojewodztwo"], src_name, how))
        left = [c for c in pool if c not in assigned]
        for i, src_name in unresolved:
            if len(unresolved) != 1 or len(left) != 1 or key is None:
                fail("source feature %d (%r): no candidate centroid inside (left: %s)"
                     % (i, src_name, ", ".join(left) or "none"))
            code = left[0]
            lon, lat = float(by_code[code]["centroid_lon"]), float(by_code[code]["centroid_lat"])
            if not in_bbox(lon, lat, feats[i]["geometry"]):
                fail("source feature %d (%r): remaining code %s has its centroid outside the "
                     "feature's bounding box" % (i, src_name, code))
            how = "elimination among %s (its centroid lies in the city it surrounds, inside its bounding box)" % "/".join(key)
            assigned[code] = (i, how)
            notes.append("%s %s (%s): source name 'powiat %s', matched by %s"
                         % (code, by_code[code]["nazwa"], by_code[code]["wojewodztwo"], src_name, how))

    missing = sorted(set(by_code) - set(assigned))
    if missing:
        fail("powiaty not matched: %s" % ", ".join("%s %s" % (c, by_code[c]["nazwa"]) for c in missing))
    used = sorted(i for i, _ in assigned.values())
    if used != list(range(len(feats))):
        fail("some source features were matched twice or not at all")

    items = [(c, by_code[c]["nazwa"], feats[assigned[c][0]]["geometry"]) for c in sorted(assigned)]
    return items, by_code, notes


def centroid_misses(feats, by_code):
    out = []
    for f in feats:
        r = by_code[f["id"]]
        if not point_in_geometry(float(r["centroid_lon"]), float(r["centroid_lat"]), f["geometry"]):
            out.append("%s %s" % (f["id"], r["nazwa"]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--voivodeships-src", default=DEFAULT_VOIVODESHIPS_SRC)
    ap.add_argument("--powiaty-git", default=DEFAULT_POWIATY_GIT,
                    help="git mirror of github.com/ppatrzyk/polska-geojson (bare or with .git)")
    ap.add_argument("--powiaty-commit", default=POWIATY_COMMIT)
    ap.add_argument("--powiaty-file", help="read powiaty-min.geojson from this file instead of git")
    args = ap.parse_args()

    woj_items = load_voivodeships(args.voivodeships_src)
    woj_data, woj_tol, _ = build_file(woj_items, VOIVODESHIPS_TARGET, "voivodeships")
    pow_items, by_code, notes = load_powiaty(args)
    pow_data, pow_tol, pow_feats = build_file(pow_items, POWIATY_TARGET, "powiaty")

    write(VOIVODESHIPS_OUT, woj_data)
    write(POWIATY_OUT, pow_data)

    def rel(p):
        return os.path.relpath(p)
    print("%s: %d features, %d bytes (Douglas-Peucker tolerance: %s)"
          % (rel(VOIVODESHIPS_OUT), len(woj_items), len(woj_data), woj_tol or "none"))
    print("%s: %d features, %d bytes (Douglas-Peucker tolerance: %s)"
          % (rel(POWIATY_OUT), len(pow_items), len(pow_data), pow_tol or "none"))
    for n in notes:
        print("  special match: " + n)
    misses = centroid_misses(pow_feats, by_code)
    # Expected to be non-zero: powiaty.csv holds area centroids, and those of
    # powiaty that wrap around a city (or a neighbour) fall outside them.
    print("powiaty whose powiaty.csv centroid is outside the output geometry: %d%s"
          % (len(misses), (" (" + "; ".join(misses) + ")") if misses else ""))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""SALib's indices on samples `simulate` made, for tests/salib.rs.

Usage: python ci/salib_compare.py DIR

DIR holds problem.json ({"names": [...], "bounds": [[lo, hi], ...], "levels": L,
"resamples": B}), morris_x.csv and morris_y.csv (a Morris design's points, scaled onto the
bounds, and the outputs there, one per line), and sobol_y.csv (the outputs at the points of a
Saltelli design with calc_second_order=False, in SALib's order). Prints SALib's Morris measures
and Sobol indices, and the first 256 points of its unscrambled Sobol sequence in 40 dimensions,
as JSON on standard output. Needs SALib (pip install SALib==1.6.0).
"""
import json
import sys
from importlib.metadata import version

import numpy as np
from SALib.analyze import morris, sobol
from SALib.sample import sobol_sequence


def main(d):
    with open(f"{d}/problem.json") as f:
        spec = json.load(f)
    problem = {"num_vars": len(spec["names"]), "names": spec["names"], "bounds": spec["bounds"]}
    x = np.loadtxt(f"{d}/morris_x.csv", delimiter=",", ndmin=2)
    y = np.loadtxt(f"{d}/morris_y.csv", ndmin=1)
    m = morris.analyze(problem, x, y, num_levels=spec["levels"],
                       num_resamples=spec["resamples"], seed=1)
    ys = np.loadtxt(f"{d}/sobol_y.csv", ndmin=1)
    s = sobol.analyze(problem, ys, calc_second_order=False,
                      num_resamples=spec["resamples"], seed=1)
    out = {
        "salib": version("SALib"),
        "numpy": version("numpy"),
        "morris": {k: [float(v) for v in m[k]] for k in ("mu", "mu_star", "sigma", "mu_star_conf")},
        "sobol": {k: [float(v) for v in s[k]] for k in ("S1", "S1_conf", "ST", "ST_conf")},
        # The unscrambled Sobol sequence, 256 points in 40 dimensions, from point 0.
        "sequence": sobol_sequence.sample(256, 40).tolist(),
    }
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1])

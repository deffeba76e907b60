"""Independent reference for the C# Dawid-Skene (tests/LabelPlatform.UnitTests/Quality/DawidSkeneReferenceTests.cs).

Plain Python, no libraries, written from the equations of Dawid and Skene (1979), "Maximum Likelihood
Estimation of Observer Error-Rates Using the EM Algorithm", JRSS C 28(1) 20-28: initial class
probabilities are each item's response shares (eq. 3.1), M-step eqs. 2.3-2.4 with no pseudo-counts,
E-step eq. 2.5, run until no posterior moves by more than 1e-10 (or 10,000 iterations).

Run: python3 tests/reference/dawid_skene_reference.py > tests/reference/dawid_skene_reference.out
"""
import math

# Table 1 of the paper: 45 patients, 5 anaesthetists, 4 classes; anaesthetist 1 rated each patient three times.
# Transcribed as in github.com/dallascard/dawid_skene (generate_sample_data).
TABLE1 = {
    1: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]}, 2: {1: [3, 3, 3], 2: [4], 3: [3], 4: [3], 5: [4]},
    3: {1: [1, 1, 2], 2: [2], 3: [1], 4: [2], 5: [2]}, 4: {1: [2, 2, 2], 2: [3], 3: [1], 4: [2], 5: [1]},
    5: {1: [2, 2, 2], 2: [3], 3: [2], 4: [2], 5: [2]}, 6: {1: [2, 2, 2], 2: [3], 3: [3], 4: [2], 5: [2]},
    7: {1: [1, 2, 2], 2: [2], 3: [1], 4: [1], 5: [1]}, 8: {1: [3, 3, 3], 2: [3], 3: [4], 4: [3], 5: [3]},
    9: {1: [2, 2, 2], 2: [2], 3: [2], 4: [2], 5: [3]}, 10: {1: [2, 3, 2], 2: [2], 3: [2], 4: [2], 5: [3]},
    11: {1: [4, 4, 4], 2: [4], 3: [4], 4: [4], 5: [4]}, 12: {1: [2, 2, 2], 2: [3], 3: [3], 4: [4], 5: [3]},
    13: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]}, 14: {1: [2, 2, 2], 2: [3], 3: [2], 4: [1], 5: [2]},
    15: {1: [1, 2, 1], 2: [1], 3: [1], 4: [1], 5: [1]}, 16: {1: [1, 1, 1], 2: [2], 3: [1], 4: [1], 5: [1]},
    17: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]}, 18: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]},
    19: {1: [2, 2, 2], 2: [2], 3: [2], 4: [2], 5: [1]}, 20: {1: [2, 2, 2], 2: [1], 3: [3], 4: [2], 5: [2]},
    21: {1: [2, 2, 2], 2: [2], 3: [2], 4: [2], 5: [2]}, 22: {1: [2, 2, 2], 2: [2], 3: [2], 4: [2], 5: [1]},
    23: {1: [2, 2, 2], 2: [3], 3: [2], 4: [2], 5: [2]}, 24: {1: [2, 2, 1], 2: [2], 3: [2], 4: [2], 5: [2]},
    25: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]}, 26: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]},
    27: {1: [2, 3, 2], 2: [2], 3: [2], 4: [2], 5: [2]}, 28: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]},
    29: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]}, 30: {1: [1, 1, 2], 2: [1], 3: [1], 4: [2], 5: [1]},
    31: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]}, 32: {1: [3, 3, 3], 2: [3], 3: [2], 4: [3], 5: [3]},
    33: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]}, 34: {1: [2, 2, 2], 2: [2], 3: [2], 4: [2], 5: [2]},
    35: {1: [2, 2, 2], 2: [3], 3: [2], 4: [3], 5: [2]}, 36: {1: [4, 3, 3], 2: [4], 3: [3], 4: [4], 5: [3]},
    37: {1: [2, 2, 1], 2: [2], 3: [2], 4: [3], 5: [2]}, 38: {1: [2, 3, 2], 2: [3], 3: [2], 4: [3], 5: [3]},
    39: {1: [3, 3, 3], 2: [3], 3: [4], 4: [3], 5: [2]}, 40: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]},
    41: {1: [1, 1, 1], 2: [1], 3: [1], 4: [1], 5: [1]}, 42: {1: [1, 2, 1], 2: [2], 3: [1], 4: [1], 5: [1]},
    43: {1: [2, 3, 2], 2: [2], 3: [2], 4: [2], 5: [2]}, 44: {1: [1, 2, 1], 2: [1], 3: [1], 4: [1], 5: [1]},
    45: {1: [2, 2, 2], 2: [2], 3: [2], 4: [2], 5: [2]},
}

# crowd-kit's "toy YSDA" dataset (tests/conftest.py of github.com/Toloka/crowd-kit, Apache-2.0).
TOY = [("w1", "t1", "no"), ("w1", "t2", "yes"), ("w1", "t3", "yes"), ("w1", "t4", "yes"), ("w1", "t5", "yes"),
       ("w2", "t1", "yes"), ("w2", "t2", "yes"), ("w2", "t3", "no"), ("w2", "t4", "yes"), ("w2", "t5", "no"),
       ("w3", "t2", "yes"), ("w3", "t3", "no"), ("w3", "t4", "yes"), ("w3", "t5", "no"),
       ("w4", "t1", "yes"), ("w4", "t2", "no"), ("w4", "t3", "yes"), ("w4", "t4", "yes"), ("w4", "t5", "no"),
       ("w5", "t1", "no"), ("w5", "t2", "no"), ("w5", "t3", "no"), ("w5", "t4", "yes"), ("w5", "t5", "no")]


def em(answers, classes):
    items = sorted({i for _, i, _ in answers}, key=lambda i: (len(str(i)), str(i)))
    workers = sorted({w for w, _, _ in answers}, key=str)
    K = len(classes)
    by_item = {i: [(w, classes.index(l)) for w, j, l in answers if j == i] for i in items}
    T = {}
    for i in items:
        T[i] = [sum(1 for _, l in by_item[i] if l == k) / len(by_item[i]) for k in range(K)]
    for iteration in range(1, 10001):
        p = [sum(T[i][k] for i in items) / len(items) for k in range(K)]
        pi = {w: [[0.0] * K for _ in range(K)] for w in workers}
        for i in items:
            for w, l in by_item[i]:
                for k in range(K):
                    pi[w][k][l] += T[i][k]
        for w in workers:
            for k in range(K):
                s = sum(pi[w][k])
                if s > 0:
                    pi[w][k] = [c / s for c in pi[w][k]]
        change = 0.0
        for i in items:
            e = []
            for k in range(K):
                v = p[k]
                for w, l in by_item[i]:
                    v *= pi[w][k][l]
                e.append(v)
            s = sum(e)
            e = [v / s for v in e]
            change = max(change, max(abs(a - b) for a, b in zip(e, T[i])))
            T[i] = e
        if change < 1e-10:
            break
    return items, T, p, iteration


def show(name, answers, classes):
    items, T, p, iterations = em(answers, classes)
    print(f"# {name}: {iterations} iterations; class marginals " + " ".join(f"{v:.6f}" for v in p))
    for i in items:
        print(f"{i} " + " ".join(f"{v:.6f}" for v in T[i]))


if __name__ == "__main__":
    table = [(f"a{o}", p, str(r)) for p, obs in TABLE1.items() for o, rs in obs.items() for r in rs]
    show("Dawid-Skene 1979 Table 1", table, ["1", "2", "3", "4"])
    show("crowd-kit toy YSDA", TOY, ["no", "yes"])

# The two commands: `make report` and `make test`. Each creates or reuses .venv and
# installs what it needs; the stamp is rebuilt when pyproject.toml or constraints.txt change.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# 2 cores on the reference machine: one pytest worker each.
PYTEST_WORKERS ?= 2
# pip installs with --no-compile: byte-compiling every module of torch, JAX and SciPy takes
# over a minute of a fresh install, and most of them are never imported. Python compiles what
# is imported instead, once, into .venv; an environment that forbids writing bytecode
# (PYTHONDONTWRITEBYTECODE) would have every process compile torch again, so the two commands
# allow it.
unexport PYTHONDONTWRITEBYTECODE
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check --no-compile -c constraints.txt

.PHONY: test report sample install clean

install: $(STAMP)

# The example third-party backend is installed as its users would install it: `make report`
# finds it by its entry point, and the suite checks it.
$(STAMP): pyproject.toml constraints.txt examples/nn_parity_autograd/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# One pip run for both: each run resolves the whole environment again (9 s).
	$(PIP) -e '.[test]' -e examples/nn_parity_autograd
	@# Byte-compile what the commands import, three imports side by side: otherwise the suite's
	@# first processes all compile torch and JAX at once, each for itself.
	$(PY) -c 'import torch, torch._dynamo, torch.distributed, torch.nn.parallel' & \
	$(PY) -c 'import jax, jax.numpy, optax' & \
	$(PY) -c 'import numpy, scipy.stats, sklearn.neural_network, sklearn.utils.estimator_checks, pandas, matplotlib.pyplot, hypothesis, nbformat, tqdm'; \
	wait
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal -q

report: $(STAMP)
	$(PY) -m reports report

# The sample in reports/sample/cpu (README, "The report"): a quick report on the CPU, which says so
# in its first line; regenerate it with the code it describes.
sample: $(STAMP)
	$(PY) -m reports report --quick --device cpu --out reports/sample/cpu

clean:
	rm -rf $(VENV) reports/output .pytest_cache .hypothesis

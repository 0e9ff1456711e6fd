"""Every implementation as a scikit-learn estimator: ``NeuralNetClassifier``, ``NeuralNetRegressor``.

    from sklearn.model_selection import cross_val_score
    from parity.estimators import NeuralNetClassifier
    cross_val_score(NeuralNetClassifier(backend="jax", random_state=0), X, y)

The estimators are thin: they turn scikit-learn's layout (``X`` of shape
``(n_samples, n_features)``, one row per example, any label values) into the contract's
(``X`` of shape ``(n_x, m)``, one column per example, 0/1 or one-hot ``Y``), build the
``ModelSpec``, draw the initial parameters with ``nn_contract.init_params`` and call the
chosen backend's ``deep.train`` / ``deep.predict_proba`` through ``parity.BACKENDS``, with
the contract's training options (CONTRACT.md, "Training methods"). So the same
``random_state`` gives the same fitted ``params_`` on every backend, within the tolerance of
``parity.tolerance``.

Defaults, and why
-----------------
They are those of ``sklearn.neural_network.MLPClassifier``/``MLPRegressor``, under the same
names, so that one can swap estimators without retuning:
``hidden_layer_sizes=(100,)``, ``activation="relu"``, ``solver="adam"``, ``alpha=0.0001``,
``batch_size="auto"`` (``min(200, n_samples)``), ``learning_rate=0.001`` (MLP's
``learning_rate_init``), ``max_iter=200``, ``tol=1e-4``, ``n_iter_no_change=10``,
``beta_1=0.9``, ``beta_2=0.999``, ``epsilon=1e-8``, ``momentum=0.9``. Adam at 0.001 is also
what keeps the fits stable on unscaled data, where plain gradient descent on a squared error
of targets in the hundreds diverges.

What differs from MLP, and why
------------------------------
``solver``
    ``"adam"`` is the contract's ``optim.Adam(beta_1, beta_2, epsilon)``: the course's
    ``W -= α v̂ / (√ŝ + ε)``; MLP folds the bias corrections into the step size, which puts
    its ε at ``ε·√(1−β2ᵗ)`` instead (the same update up to ε). ``"momentum"`` is the course's
    ``optim.Momentum(momentum)``, ``v = βv + (1−β)dW; W -= αv`` (MLP's ``"sgd"`` uses
    ``v = μv − α dW``, Nesterov's by default: an undamped velocity, about ``1/(1−μ)`` times the
    step). ``"sgd"`` is plain gradient descent ``W -= α dW``. MLP's ``"lbfgs"`` and its
    ``learning_rate`` schedules (``"invscaling"``, ``"adaptive"``) are not offered;
    ``learning_rate`` here is the float MLP calls ``learning_rate_init``.
``alpha``
    MLP adds ``(alpha / 2n) Σ_l ‖W[l]‖²`` to the loss of a batch of n examples (and
    ``(alpha / n) W[l]`` to its gradient), biases not penalised; the contract's L2 is
    ``(λ / 2m) Σ_l ‖W[l]‖²``, m the examples in the step, biases never decayed. So
    ``lambd = alpha`` for the classifiers (MLP's log-losses are the contract's
    cross-entropies, per example) and for a one-output regressor. With K > 1 outputs MLP
    averages its squared error over the outputs too, ``(1/nK) Σ ½‖ŷ−y‖²``, where the contract
    sums them, ``(1/m) Σ ½‖ŷ−y‖²``: the regressor passes ``lambd = K·alpha``, which makes the
    contract's cost exactly K times MLP's (the same minimiser, the same Adam steps up to ε).
``init="auto"``
    ``"he"`` (randn * sqrt(2/n[l-1])) for ``relu``/``leaky_relu`` hidden layers, ``"xavier"``
    (randn * sqrt(1/n[l-1])) for the others: the notes' scales, drawn by
    ``nn_contract.init_params`` (MLP draws Glorot-uniform weights and biases).
``batch_size``
    Mini-batches follow the contract, not MLP's generator: epoch e takes the examples in the
    order ``np.random.RandomState(seed + e).permutation(n_samples)``, the last, smaller batch
    kept; a batch of all the examples keeps their given order. ``None`` (or a size >=
    n_samples) is full-batch training, which MLP clips with a warning.
``random_state``
    As in scikit-learn: ``None`` draws a fresh seed from NumPy's global generator at every
    ``fit``; a ``RandomState`` draws it from that generator; an int is the seed itself, of
    ``init_params`` and of the batch order.
``loss_curve_``
    One cost per update step (the contract's record of ``train``); MLP's per-epoch curve is
    ``epoch_loss_curve_``.

Convergence: MLP's rule, and when training stops
------------------------------------------------
MLP's rule, on the epoch loss (the mean over the epoch's examples of their batch's cost,
L2 term included; ``epoch_loss_curve_``): an epoch whose loss is not below ``best_loss_ -
tol`` counts as no improvement, a better one resets the count, and when the count exceeds
``n_iter_no_change`` training stops after that epoch. Where ``max_iter`` epochs end first,
``fit`` warns with ``sklearn.exceptions.ConvergenceWarning``, as MLP does. The contract's
``train`` runs a given number of epochs and keeps its optimizer state (Adam's ``v``, ``s``,
``t``) to itself, so ``fit`` cannot stop it half-way or resume it: it trains ``max_iter``
epochs, applies the rule to the loss curve, and where the rule stops at epoch ``n_iter_ <
max_iter`` it trains again from the same start for ``n_iter_`` epochs (the same batches and
updates: the batch order of epoch e depends on ``seed + e`` alone). ``params_`` are thus
MLP's, the parameters after the stopping epoch, the same on every backend; the price is at
most ``n_iter_`` extra epochs, paid only by fits that converge before ``max_iter``.

Threads
-------
A fit or prediction of a small problem runs with the BLAS and OpenMP pools of the process
(NumPy's OpenBLAS, torch's OpenMP) limited to one thread by ``threadpoolctl``: on such
problems a second thread saves nothing and, with another program on one of the cores, its
spin-waits make a step several times slower. "Small" is ``SMALL_PROBLEM_FLOPS`` (in
``parity.estimators.threads``, with the measurements); larger ones keep the pools as they are. XLA's thread pool (JAX) is
sized when JAX starts and is not reached by ``threadpoolctl``.

Layout
------
``base`` (the parameters, their checks and ``fit``'s training, shared), ``stopping``
(MLP's rule), ``threads`` (the one-thread rule), ``classifier`` and ``regressor``.
"""

from .base import SOLVERS
from .classifier import NeuralNetClassifier
from .regressor import NeuralNetRegressor
from .stopping import epoch_losses, stopping_epoch
from .threads import SMALL_PROBLEM_FLOPS

__all__ = ["NeuralNetClassifier", "NeuralNetRegressor", "SMALL_PROBLEM_FLOPS", "SOLVERS", "stopping_epoch",
           "epoch_losses"]

"""Course 2's optimizers in PyTorch: ``torch.optim`` configured to the course's formulas.

The optimizer descriptions are the contract's (``nn_contract.optim``: ``GD()``,
``Momentum(β)``, ``RMSprop(β, ε)``, ``Adam(β1, β2, ε)``); the arithmetic is torch's own. Where
torch's convention differs from the course, the mapping is made here, once (each one is
tested in ``parity_tests/test_training_methods.py``):

    GD        SGD(lr=α)                                     as it stands
    Momentum  SGD(lr=α(1−β), momentum=β, dampening=0)       see ``course_optimizer``
    RMSprop   RMSprop(lr=α, alpha=β, eps=ε)                 as it stands: ε outside the √
    Adam      Adam(lr=α, betas=(β1, β2), eps=ε)             as it stands
    L2        weight_decay=λ/m on a group of the weights only; the biases' group has none
    decay     LambdaLR, factor 1 / (1 + decay_rate ⌊e / time_interval⌋), stepped per epoch

``FRAMEWORK_DEFAULTS`` and ``default_optimizer`` give torch as a user would call it instead,
for the conventions report (``deep.train_with_framework_defaults`` trains with it). This
module sits below ``deep`` and ``logistic``: it imports neither.
"""

from __future__ import annotations

import torch

from nn_contract.optim import Adam, GD, Momentum, RMSprop

__all__ = [
    "FRAMEWORK_DEFAULTS",
    "course_optimizer",
    "default_optimizer",
    "decay_scheduler",
    "set_l2",
    "l2_term",
]

# torch's formulas as a user calls them with the course's hyperparameters (step t, buf and s
# from torch's state); the course's are nn_contract.optim.COURSE_FORMULAS.
FRAMEWORK_DEFAULTS: dict[str, str] = {
    "GD": "torch.optim.SGD(lr=α): W -= α dW",
    "Momentum": "torch.optim.SGD(lr=α, momentum=β): buf = β buf + dW (buf = dW at step 1); W -= α buf",
    "RMSprop": "torch.optim.RMSprop(lr=α, alpha=β, eps=ε): s = β s + (1−β) dW²; W -= α dW / (√s + ε) "
               "(torch's own default alpha is 0.99)",
    "Adam": "torch.optim.Adam(lr=α, betas=(β1, β2), eps=ε): v̂ = v/(1−β1ᵗ), ŝ = s/(1−β2ᵗ); "
            "W -= α v̂ / (√ŝ + ε), the course's",
    "L2": "weight_decay=λ/m: dθ += (λ/m) θ on every parameter, biases included; J itself unchanged",
}


def _torch_optimizer(optimizer, groups: list[dict], learning_rate: float, *, course: bool) -> torch.optim.Optimizer:
    if isinstance(optimizer, GD):
        return torch.optim.SGD(groups, lr=learning_rate)
    if isinstance(optimizer, Momentum):
        if course:
            # torch's momentum is the undamped heavy ball: buf = β buf + dW, with buf = dW at
            # the first step. The course's is an average: v = β v + (1−β) dW from v = 0. Both
            # recurrences are linear in dW and buf₁ = dW₁ = v₁/(1−β), so buf = v/(1−β) at
            # every step, and SGD with lr = α(1−β) moves W by α(1−β) buf = α v, exactly the
            # course, with a decayed α too (the scheduler scales this lr). dampening=β instead
            # would damp every step but the first (torch starts buf = dW undamped).
            return torch.optim.SGD(groups, lr=learning_rate * (1 - optimizer.beta), momentum=optimizer.beta)
        return torch.optim.SGD(groups, lr=learning_rate, momentum=optimizer.beta)
    if isinstance(optimizer, RMSprop):
        # torch: square_avg = α square_avg + (1−α) dW², W -= lr dW / (√square_avg + eps), from
        # zeros: the course's formula with alpha=β (torch's default alpha is 0.99, not 0.9).
        return torch.optim.RMSprop(groups, lr=learning_rate, alpha=optimizer.beta, eps=optimizer.epsilon)
    if isinstance(optimizer, Adam):
        # torch's Adam (weight_decay as L2 on the gradient, not AdamW) is the course's formula.
        return torch.optim.Adam(groups, lr=learning_rate, betas=(optimizer.beta1, optimizer.beta2),
                                eps=optimizer.epsilon)
    raise TypeError(f"optimizer must be one of nn_contract.optim's GD, Momentum, RMSprop, Adam; got {optimizer!r}")


def course_optimizer(optimizer, weights, biases, learning_rate: float) -> torch.optim.Optimizer:
    """The torch optimizer that follows the course's formula for ``optimizer``.

    weights: the W[l] tensors (``nn.Linear.weight``, (n[l], n[l-1])); biases: the b[l] (or
    logistic regression's w and b). Two parameter groups, so that L2 (``set_l2``) never
    touches a bias: the course's ``dW += (λ/m) W`` is torch's ``weight_decay=λ/m`` on the
    weights' group alone.
    """
    groups = [{"params": list(weights), "weight_decay": 0.0, "l2": True},
              {"params": list(biases), "weight_decay": 0.0, "l2": False}]
    return _torch_optimizer(optimizer, groups, learning_rate, course=True)


def default_optimizer(optimizer, weights, biases, learning_rate: float) -> torch.optim.Optimizer:
    """torch's own convention, as a user would write it: ``SGD(lr, momentum=β)``,
    ``RMSprop(lr, alpha=β, eps=ε)``, ``Adam(lr, betas, eps)``, one parameter group, so that
    weight decay (``set_l2``) shrinks the biases too."""
    groups = [{"params": list(weights) + list(biases), "weight_decay": 0.0, "l2": True}]
    return _torch_optimizer(optimizer, groups, learning_rate, course=False)


def decay_scheduler(torch_optimizer: torch.optim.Optimizer, decay_rate: float,
                    time_interval: int) -> torch.optim.lr_scheduler.LambdaLR:
    """The course's ``schedule_lr_decay`` as a scheduler stepped once per epoch: epoch e
    trains at lr₀ / (1 + decay_rate ⌊e / time_interval⌋) (decay_rate 0: lr₀ exactly)."""
    return torch.optim.lr_scheduler.LambdaLR(
        torch_optimizer, lambda epoch: 1.0 / (1.0 + decay_rate * (epoch // time_interval))
    )


def set_l2(torch_optimizer: torch.optim.Optimizer, lambd: float, m: int) -> None:
    """weight_decay = λ/m on the groups that take L2, m the examples of the coming step
    (the last, smaller batch of an epoch has its own m)."""
    for group in torch_optimizer.param_groups:
        if group["l2"]:
            group["weight_decay"] = lambd / m


def l2_term(weights, lambd: float, m: int) -> torch.Tensor:
    """(λ/2m) Σ ‖W‖² over ``weights`` (never biases), a 0-dim tensor (in the graph if they
    require grad); the reference's ``l2_cost`` returns a Python float instead."""
    return (lambd / (2 * m)) * sum((W * W).sum() for W in weights)

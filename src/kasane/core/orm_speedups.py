"""An exact shortcut for one hot spot of Django's SQL compiler (installed by ``CoreConfig.ready``).

Every query with an ORDER BY makes ``SQLCompiler._order_by_pairs`` (Django 5.2) put each
selected column in a dict, hashing it: ``Expression.__hash__`` → ``identity``, which binds the
column's constructor arguments to ``inspect.Signature`` — about 20 µs a column, computed anew
for each query's fresh ``Col`` objects. A case page's timeline (five ``select_related`` tables,
~80 columns) pays it 80 times; in issue 21's profile of the web mix it was 5.5 % of the
workers' Python time.

``Col``'s constructor is ``(alias, target, output_field=None)``, so its identity is known
without the signature: the same tuple, built directly. ``install`` checks that signature and
leaves Django alone when it differs (a future Django); a ``Col`` subclass or a keyword call
takes Django's own path. The tests compare both for every column of real queries.
"""

from __future__ import annotations

import inspect
from typing import Any

from django.db.models.expressions import Col, Expression
from django.utils.functional import cached_property

_EXPECTED = ["self", "alias", "target", "output_field"]
_generic = Expression.__dict__["identity"].func


def _col_identity(self: Any) -> tuple[Any, ...]:
    """What ``Expression.identity`` returns for a ``Col``, without ``Signature.bind``."""
    args, kwargs = self._constructor_args
    if kwargs or type(self) is not Col or not 2 <= len(args) <= 3:
        return _generic(self)  # type: ignore[no-any-return]
    identity: Any = Col._identity  # type: ignore[attr-defined]  # Expression's classmethod
    output_field = args[2] if len(args) == 3 else None
    return (Col, ("alias", identity(args[0])), ("target", identity(args[1])),
            ("output_field", identity(output_field)))


def install() -> bool:
    """Give ``Col`` the direct identity when its constructor is the one it is written for;
    True when installed (idempotent)."""
    if "identity" in Col.__dict__:
        return Col.__dict__["identity"].func is _col_identity
    if list(inspect.signature(Col.__init__).parameters) != _EXPECTED:
        return False
    prop = cached_property(_col_identity)
    Col.identity = prop  # type: ignore[method-assign,assignment]
    prop.__set_name__(Col, "identity")
    return True

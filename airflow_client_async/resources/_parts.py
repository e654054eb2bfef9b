"""The parts a large namespace class is built from, a module each.

``client.dag_runs`` and ``client.task_instances`` have more operations than one module
reads well with: their classes inherit them, by concern, from mixins that subclass
:class:`Part`. A part declares its operations' routes beside them, as a namespace does.
"""

from __future__ import annotations

from typing import Generic, TypeVar, cast

from ._base import Resource

__all__ = ["Part"]

N = TypeVar("N", bound=Resource)


class Part(Resource, Generic[N]):
    """A mixin of the namespace class ``N``: its methods build on ``N``'s other methods.

    A subclass sets ``namespace`` to ``N``'s, so that its routes name ``N``'s methods.
    """

    @property
    def _whole(self) -> N:
        """This namespace, as the class that this part is a part of."""
        return cast("N", self)

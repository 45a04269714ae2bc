"""The data every harness test stands on: the personas and, on demand, sample objects per territory."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.urls import reverse

from lacznik.core.policy import Policy, Sample, SampleBuilder

from .checks import Entry
from .personas import PERSONAS, Persona, make_user


@dataclass
class Call:
    """One URL to call for one persona: the path, and the territory of the object it names."""

    url: str
    code: str | None = None  # None: the URL names no object


@dataclass
class World:
    users: dict = field(default_factory=dict)
    _samples: dict = field(default_factory=dict)

    @classmethod
    def build(cls) -> "World":
        world = cls()
        for persona in PERSONAS:
            world.users[persona.key] = make_user(persona)
        return world

    def user(self, persona: Persona):
        return self.users[persona.key]

    def sample(self, builder: SampleBuilder, code: str) -> Sample:
        key = (builder, code)
        if key not in self._samples:
            self._samples[key] = builder(code)
        return self._samples[key]

    def calls(self, entry: Entry, persona: Persona) -> Iterator[Call]:
        """The URLs to call for `entry` as `persona`: one per territory when the URL names an object."""
        endpoint, policy = entry.endpoint, entry.policy
        if entry.group is not None:
            if endpoint.name:
                args, kwargs = entry.group.arguments(endpoint)
                yield Call(reverse(endpoint.name, args=args or None, kwargs=kwargs or None))
            return
        if policy.object is not None:
            for code in persona.codes:
                yield Call(reverse(endpoint.name, kwargs=self.sample(policy.object, code).kwargs), code)
        elif endpoint.params or endpoint.positional:
            raise LookupError(f"{endpoint.name} takes {endpoint.params}: its policy needs object=")
        else:
            yield Call(reverse(endpoint.name))

    def rows(self, policy: Policy, persona: Persona) -> dict[str, Sample]:
        """Rows of a list in the persona's home territory and in the foreign ones."""
        return {code: self.sample(policy.rows, code) for code in persona.codes} if policy.rows else {}

"""Real places for the scenario, from the desk's own gazetteer (built by `make setup`)."""

from __future__ import annotations

from functools import lru_cache

from jeevanrekha.sim.scenario import PlaceRow, places_from_gazetteer


@lru_cache(maxsize=1)
def up_places() -> tuple[PlaceRow, ...]:
    """Every locality with a PIN and every landmark (all states: other-state alerts too)."""
    from jeevanrekha.geo import conf
    from jeevanrekha.geo.runtime import load_gazetteer

    # The artefact itself, not geo.conf's context: the study needs no database (stations).
    gazetteer, _ = load_gazetteer(conf.paths())
    return tuple(places_from_gazetteer(gazetteer))

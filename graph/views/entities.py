"""Views of agents and subjects: who or what they are, and the works that name them."""

from __future__ import annotations

from graph.views.common import labels_for, node, ref, select
from graph.views.describe import description
from graph.store.base import Store
from vocab.labels import term_label
from vocab.namespaces import BF, RDFS

MAX_WORKS = 500


def _works(store: Store, pattern: str, lang: str, role_var: str | None = None) -> list[dict]:
    """Works matching ``pattern`` (which binds ?work, and ?role if ``role_var``), labelled and sorted."""
    select_vars = "?work ?role" if role_var else "?work"
    rows = select(store, f"SELECT DISTINCT {select_vars} WHERE {{ {pattern} }} LIMIT {MAX_WORKS * 4}")
    roles: dict[str, list[str]] = {}
    for r in rows:
        entry = roles.setdefault(r["work"].value, [])
        if role_var and r["role"] is not None:
            label = term_label(r["role"].value, lang) or r["role"].value.rsplit("/", 1)[-1]
            if label not in entry:
                entry.append(label)
    works = list(roles)[:MAX_WORKS]
    labels = labels_for(store, works, lang)
    out = [ref(w, labels.get(w), roles=roles[w]) for w in works]
    return sorted(out, key=lambda e: e["label"].casefold())


def agent_view(store: Store, iri, lang: str = "en") -> dict | None:
    agent = node(iri)
    d = description(store, agent)
    if BF.Agent.value not in d.types(agent):
        return None
    names = d.texts([agent], RDFS.label, lang)
    return {
        "iri": agent.value,
        "kind": "agent",
        "label": names[0] if names else None,
        "other_labels": names[1:],
        "types": d.type_labels(agent, lang, ignore=[BF.Agent.value]),
        # catalogued works (with editions): a uniform title (bf:Hub) or a related work named in a
        # record holds no copies, so the works that are its expressions stand in for it
        "works_by": _works(
            store,
            f"""{{ ?work bf:contribution ?c . ?c bf:agent {agent} }}
                                  UNION {{ ?work bf:expressionOf ?hub . ?hub bf:contribution ?c . ?c bf:agent {agent} }}
                                  FILTER EXISTS {{ ?edition bf:instanceOf ?work ; a bf:Instance }}
                                  OPTIONAL {{ ?c bf:role ?role }}""",
            lang,
            role_var="role",
        ),
        "works_about": _works(store, f"?work bf:subject {agent}", lang),
    }


def expressions_of(store: Store, iri, lang: str = "en") -> list[dict]:
    """The catalogued works that are expressions of a uniform title (bf:Hub): what its page lists."""
    return _works(
        store,
        f"?work bf:expressionOf {node(iri)} FILTER EXISTS {{ ?edition bf:instanceOf ?work ; a bf:Instance }}",
        lang,
    )


def subject_view(store: Store, iri, lang: str = "en") -> dict | None:
    subject = node(iri)
    d = description(store, subject)
    names = d.texts([subject], RDFS.label, lang)
    if not names:
        return None
    return {
        "iri": subject.value,
        "kind": "subject",
        "label": names[0],
        "other_labels": names[1:],
        "types": d.type_labels(subject, lang),
        "works": _works(store, f"{{ ?work bf:subject {subject} }} UNION {{ ?work bf:genreForm {subject} }}", lang),
    }

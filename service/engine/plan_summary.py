"""Reduce `show -json <plan>` to what the platform keeps: counts and addresses, never attribute values."""

ACTION_KEYS = {"create": "add", "update": "change", "delete": "destroy"}


def summarize_plan(plan: dict) -> dict:
    counts = {"add": 0, "change": 0, "destroy": 0}
    changes = []
    for change in plan.get("resource_changes", []):
        actions = change.get("change", {}).get("actions", [])
        if actions in (["no-op"], ["read"]):
            continue
        for action in actions:  # a replace is ["delete", "create"] or the reverse: one add and one destroy
            if action in ACTION_KEYS:
                counts[ACTION_KEYS[action]] += 1
        changes.append({"address": change.get("address"), "actions": actions})
    drifted = [d.get("address") for d in plan.get("resource_drift", [])]
    return {**counts, "resources": changes, "drifted": drifted,
            "has_changes": bool(changes) or bool(plan.get("output_changes") and _outputs_change(plan))}


def _outputs_change(plan: dict) -> bool:
    return any(c.get("actions") not in (["no-op"], None) for c in plan["output_changes"].values())

"""Review section: the declared variants compared, with the model's requirements and objectives applied."""

from __future__ import annotations

from . import ReviewContext, Section, Status


def section(ctx: ReviewContext) -> Section:
    from ..alternatives import compare, renderables
    from ..errors import UsageError

    s = ctx.system
    try:
        exp = compare(s, options=ctx.analysis_options())
    except UsageError as exc:
        return Section("alternatives", "Alternatives", "error", f"cannot compare the variants: {exc}")
    status: Status
    if exp.recommended is None:
        status = "warning"
        summary = (
            f"None of the {exp.size} alternatives meets every requirement"
            + (f" ({'; '.join(r.text for r in exp.requirements)})" if exp.requirements else "")
            + "."
        )
    else:
        status = "ok"
        summary = (
            f"{exp.feasible} of {exp.size} alternatives are feasible, {exp.pareto_count} Pareto-optimal; "
            f"recommended: {exp.recommended.name}."
        )
    if not s.variants:
        status = "info"
        summary = "No variants declared: only the base placement is assessed. " + summary
    return Section("alternatives", "Alternatives", status, summary, exp.to_dict(), renderables(exp, s))

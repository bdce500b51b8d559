"""The dashboard's figures (services.dashboard) as charts: one builder per chart, shared by the
dashboard view and the printed weekly review so both show the same pictures."""

from __future__ import annotations

from decimal import Decimal

from relationship_crm.domain import timefmt
from relationship_crm.services import dashboard
from relationship_crm.ui.charts import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PALETTE,
    PURPLE,
    RED,
    Bar,
    Chart,
    Series,
)

FUNNEL = "funnel"
DUE = "due_per_week"
HEALTH = "health"
SPEND = "spend_per_month"
THANKS = "thanks_outstanding"
CAMPAIGNS = "campaigns"
#: The charts in the order the dashboard and the review show them.
ORDER = (FUNNEL, DUE, HEALTH, SPEND, THANKS, CAMPAIGNS)


def _count(value: float) -> str:
    return f"{value:,.0f}"


def funnel_chart(bars: tuple[dashboard.FunnelBar, ...]) -> Chart:
    """Contacts per stage, the conversion to the next pipeline stage beside each."""
    return Chart(
        title="Pipeline",
        subtitle="Contacts per stage · share moved on to a later stage",
        horizontal=True,
        bars=tuple(
            Bar(
                key=bar.stage,
                label=bar.label,
                values=(float(bar.contacts),),
                note=" · ".join(
                    part
                    for part in (
                        f"→ {bar.converted_pct:g}%" if bar.converted_pct is not None else "",
                        f"{bar.stuck} stuck" if bar.stuck else "",
                    )
                    if part
                ),
            )
            for bar in bars
        ),
        series=(Series("", BLUE),),
        empty_text="No contacts yet",
        format_value=_count,
    )


def due_chart(weeks: tuple[dashboard.DueWeek, ...]) -> Chart:
    """Overdue (red), then each week: one-off and recurring follow-ups stacked."""
    return Chart(
        title="Follow-ups due",
        subtitle="Overdue, then this week and the next seven",
        bars=tuple(
            Bar(
                key=week.key,
                label=week.label,
                values=(float(week.one_off), float(week.recurring)),
                colours=(RED, ORANGE) if week.key == dashboard.OVERDUE else (),
            )
            for week in weeks
        ),
        series=(Series("One-off", BLUE), Series("Recurring", PURPLE)),
        empty_text="No open follow-ups in the next eight weeks",
        format_value=_count,
    )


def health_chart(bars: tuple[dashboard.HealthBar, ...]) -> Chart:
    """Drifting and lost contacts per tag."""
    return Chart(
        title="Keep-in-touch health",
        subtitle="Contacts with a rhythm: drifting and lost, by tag",
        horizontal=True,
        bars=tuple(
            Bar(key=bar.tag, label=bar.tag, values=(float(bar.drifting), float(bar.lost)))
            for bar in bars
        ),
        series=(Series("Drifting", ORANGE), Series("Lost", RED)),
        empty_text=dashboard.NO_RHYTHMS,
        format_value=_count,
    )


def _money(value: Decimal | float) -> str:
    amount = float(value)
    return f"{amount:,.0f}" if amount >= 100 or amount == int(amount) else f"{amount:,.2f}"


def spend_chart(spend: dashboard.SpendSummary) -> Chart:
    """Spend per month, one bar per currency side by side, with the monthly budget line."""
    codes = spend.currencies or ((spend.budget.currency,) if spend.budget else ("",))
    bars = tuple(
        Bar(
            key=timefmt.iso_day(month),
            label=timefmt.month_name(month),
            values=tuple(float(spend.amount(month, code)) for code in codes),
            text=_money(sum((spend.amount(month, c) for c in codes[:1]), Decimal(0)))
            if len(codes) == 1 and spend.amount(month, codes[0])
            else "",
        )
        for month in spend.months
    )
    parts = [f"{_money(total)} {code}" for code, total in spend.totals]
    subtitle = "Last 12 months: " + (" · ".join(parts) if parts else "nothing given")
    reference = None
    if spend.budget is not None:
        budget = spend.budget
        subtitle += (
            f" · {budget.used_pct:g}% of the {_money(budget.amount)} {budget.currency} budget"
        )
        if not spend.currencies or budget.currency == codes[0]:
            reference = (float(budget.monthly), f"budget {_money(budget.monthly)}/month")
    top = [r for r in spend.top_recipients if r.currency == codes[0]][:3]
    if top:
        subtitle += f" · Top ({codes[0]}): " + ", ".join(
            f"{r.name} {_money(r.amount)}" for r in top
        )
    return Chart(
        title="Gifts and hospitality",
        subtitle=subtitle,
        bars=bars,
        series=tuple(
            Series(code, PALETTE[index % len(PALETTE)]) for index, code in enumerate(codes)
        )
        if len(codes) > 1
        else (Series("", GREEN),),
        stacked=False,
        reference=reference,
        value_axis=codes[0] if len(codes) == 1 else "amounts not converted",
        empty_text="No gifts with a cost in the last 12 months",
        format_value=lambda v: _money(v),
    )


def thanks_chart(ages: tuple[dashboard.ThanksAge, ...]) -> Chart:
    """Notes not sent yet by days since their meeting: drafts and printed stacked."""
    return Chart(
        title="Thank-you notes to send",
        subtitle="Drafts and printed notes, by days since the meeting",
        horizontal=True,
        bars=tuple(
            Bar(
                key=age.key,
                label=age.label,
                values=(float(age.drafts), float(age.printed)),
            )
            for age in ages
        ),
        series=(Series("Draft", ORANGE), Series("Printed, not sent", GREY)),
        empty_text="Every thank-you note is sent",
        format_value=_count,
    )


def campaigns_chart(bars: tuple[dashboard.CampaignBar, ...]) -> Chart:
    """Responses, meetings and deals per campaign, side by side."""
    return Chart(
        title="Campaigns",
        subtitle="Responses, meetings and deals per campaign",
        horizontal=True,
        stacked=False,
        bars=tuple(
            Bar(
                key=str(bar.campaign_id),
                label=bar.name,
                values=(float(bar.responses), float(bar.meetings), float(bar.deals)),
                text=f"{bar.responses} · {bar.meetings} · {bar.deals}",
            )
            for bar in bars
        ),
        series=(Series("Responses", BLUE), Series("Meetings", ORANGE), Series("Deals", GREEN)),
        # All-zero bars draw nothing: say why, without denying that campaigns exist.
        empty_text="No responses, meetings or deals yet" if bars else "No campaigns yet",
        format_value=_count,
    )


def charts(board: dashboard.Dashboard) -> dict[str, Chart]:
    """Every chart of the dashboard by name, in ORDER."""
    return {
        FUNNEL: funnel_chart(board.funnel),
        DUE: due_chart(board.due_per_week),
        HEALTH: health_chart(board.health),
        SPEND: spend_chart(board.spend),
        THANKS: thanks_chart(board.thanks_outstanding),
        CAMPAIGNS: campaigns_chart(board.campaigns),
    }

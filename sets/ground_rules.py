"""The ground rules a new learning set starts with; its facilitator may edit them."""

DEFAULT_GROUND_RULES = """\
Confidentiality. What is said in the set stays in the set. We do not repeat what others bring, \
name them outside the set, or share their reflections. The one limit: if someone may be at risk \
of serious harm, the facilitator may need to act, and will tell the person first where possible.

Voluntary participation. Each of us chooses to be here and may leave at any time without giving \
a reason. Nobody has to share more than they wish.

Equal airtime. Each member has time to bring a real problem from their own organisation. We \
keep to the time agreed so that everyone is heard.

Attendance and apologies. We come to every meeting we can, on time. If we cannot come, we send \
apologies to the facilitator beforehand.

Questions rather than advice. We help each other think by asking open questions, not by telling \
each other what to do. The person who brings a problem decides what to do about it.

Commitment to action. We each agree actions at a meeting and report back on them at the next.
"""

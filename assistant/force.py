"""Must or should (pure): does a quoted sentence state a duty or guidance?"""

from __future__ import annotations

import re

# A target or an expectation softens whatever verb carries it: "The aim will be to see the child
# within 5 working days" is an aim, not a promise, though it says "will".
# "with an aim to identify any learning" states a purpose, not a softened rule, so is not one.
_TARGET = re.compile(
    r"\b(?:the|our|its|their) aim (?:is|will be|was)\b|\b(?:we|will|should|to|they) aim to\b|\baims to\b"
    r"|\bexpected to\b|\bexpectations?\b|\bought to\b|\bis recommended\b",
    re.I,
)
# Otherwise the first modal decides: the main clause usually comes first ("The child will be seen
# within 5 working days … if it is not achieved an explanation must be recorded").
# "may" is matched in lower case only, so the month ("May 2018") is not guidance.
_MODAL = re.compile(
    r"\b(?P<duty>[Mm]ust|[Ww]ill|[Ss]hall|(?:is|are) required to|(?:has|have) to)\b"
    r"|\b(?P<guidance>[Ss]hould|may)\b"
)


def force(sentence: str) -> str:
    """'duty' when the sentence says must, will, shall, is required to or has to; 'guidance' when
    it says should, may, aim to or expected to; '' when it says neither (a list item such as
    "45 days from initial referral to complete the assessment", or a description).

    Derived from the quoted words only: it reports how the document phrases the rule, not the law.
    """
    if _TARGET.search(sentence):
        return "guidance"
    match = _MODAL.search(sentence)
    if match is None:
        return ""
    return "duty" if match.group("duty") else "guidance"

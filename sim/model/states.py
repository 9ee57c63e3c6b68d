"""Pathway states (forløbsstatus) and placement kinds."""

from enum import IntEnum


class State(IntEnum):
    """Where a citizen is on the STAR step model. Every citizen is in exactly one state."""

    NOT_ENROLLED = 0   #: referred (visiteret) but not yet in a caseworker's case load
    TRIN1 = 1          #: clarification and a job plan built on the citizen's own wish
    TRIN2 = 2          #: on the way to a job: the company consultant seeks a match
    TRIN3 = 3          #: in a company placement: retention and progression in hours
    SELF_SUFFICIENT = 4  #: off benefit (job, education or the register's 'restgruppe')
    EXITED = 5         #: other exit: pension, sickness exemption, moving away


STATE_NAMES = {s: s.name.lower() for s in State}


class Placement(IntEnum):
    """Kind of company placement in trin 3."""

    NONE = 0
    INTERNSHIP = 1      #: unpaid virksomhedspraktik, at most 13 weeks
    WAGE_SUBSIDY = 2    #: løntilskud
    ORDINARY = 3        #: agreement on ordinary paid hours (småjob when >= 30 h/month)
    HOUSING = 4         #: placement in the housing organisation's estate operations (unpaid)


class OffKind(IntEnum):
    """Route off benefit (selvforsørgelse as the register counts it)."""

    JOB = 1
    EDUCATION = 2
    REST = 3  #: no benefit and no registered income (the DREAM 'restgruppe')


class Status52(IntEnum):
    """Status 12 months after week 0, for the A-G transition tables
    (copenhagen-outreach-2015, Udviklingsmål tables after Bilag 2): on benefit rated A-D or E-G, off benefit to a job or
    education, or another status (other exit, or off benefit without registered income)."""

    GOOD = 0
    POOR = 1
    JOB_EDUCATION = 2
    OTHER = 3


def plain(enum) -> type:
    """The members of ``enum`` as plain ints on a namespace class (``ST.TRIN1 == 1``): numpy
    compares an array with a plain int several times faster than with an enum member."""
    return type(f"{enum.__name__}Codes", (), {m.name: int(m) for m in enum})


ST = plain(State)
PL = plain(Placement)
OFF = plain(OffKind)

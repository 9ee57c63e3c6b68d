"""Every coded value of the model, named once.

These ``IntEnum`` classes are used by name on both sides: numpy code compares arrays with
them (``P.state == State.TRIN1``) and the compiled processes read their members as
compile-time constants (``if C.state[i] == State.TRIN2:``), so no kernel writes a bare
``state[i] = 3``.
"""

from enum import IntEnum


class State(IntEnum):
    """Where a citizen is on the STAR step model. Every citizen is in exactly one state."""

    NOT_ENROLLED = 0   #: referred (visiteret) but not yet in a caseworker's case load
    TRIN1 = 1          #: clarification and a job plan built on the citizen's own wish
    TRIN2 = 2          #: on the way to a job: the company consultant seeks a match
    TRIN3 = 3          #: in a company placement: retention and progression in hours
    SELF_SUFFICIENT = 4  #: off benefit (job, education or the register's 'restgruppe')
    EXITED = 5         #: other exit: pension, sickness exemption, moving away


#: the last state in which a citizen is on benefit (waiting or trin 1-3)
LAST_ON_BENEFIT = State.TRIN3
#: the middle of the 0-1 scales of motivation, trust and belief: the average citizen, around whom
#: their effects are centred (docs/ODD.md, processes 2, 6 and 9)
MIDPOINT = 0.5
#: a coin flip: a misread factor is one step too high or too low at even odds
EVEN_ODDS = 0.5

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

    NONE = 0
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


class Category(IntEnum):
    """The A-G category of the Copenhagen Udviklingsmål form (copenhagen-outreach-2015, Bilag 2).
    A-D is a 'good' rating, E-G a 'poor' one."""

    A = 0
    B = 1
    C = 2
    D = 3
    E = 4
    F = 5
    G = 6


class Factor(IntEnum):
    """The five Udviklingsmål factors (copenhagen-outreach-2015, Bilag 2)."""

    PROFESSIONAL = 0   #: professional skills: min(skills, language)
    JOB_FOCUS = 1      #: focus on job or education
    PERSONAL = 2       #: personal and social competences
    SOCIAL = 3         #: social conditions (incl. debt and housing)
    HEALTH = 4         #: health: min(physical, mental)


class Sub(IntEnum):
    """The seven sub-ratings behind the factors, each 1 (severe barrier) to 5 (none)."""

    SKILLS = 0
    LANGUAGE = 1
    JOB_FOCUS = 2
    PERSONAL = 3
    SOCIAL = 4
    PHYSICAL = 5
    MENTAL = 6


class Outcome(IntEnum):
    """What happens at a booked meeting."""

    HELD = 0
    CANCELLED = 1   #: afbud, given in advance
    NO_SHOW = 2     #: udeblivelse


class Occasion(IntEnum):
    """When a form is read or a meeting held: the random numbers of a meeting held at an
    appointment, of one held early at open advice in the same week and of the first form at
    intake are separate."""

    APPOINTMENT = 0
    OPEN_ADVICE = 1
    INTAKE = 2        #: the first form, read at intake

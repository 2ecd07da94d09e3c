"""Writes the synthetic demo case's extracts (one CSV per agency) beside this file.

Run `python -m data.demo.make_demo` to regenerate; the CSVs are committed and shipped as
package data. Everything here is fictional: "Child J", the family and every place and person
are invented. The pattern of events follows what safeguarding reviews describe (missed health
contacts, domestic abuse notifications, referrals that close, neglect, exclusions, missing
episodes) so that the demo looks and feels like a real chronology without being one.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).parent
DOB = date(2014, 3, 11)
END = date(2024, 6, 30)

CSC = "Children's Social Care"
POLICE = "Police"
HEALTH = "GP and Health Visiting"
SCHOOL = "School"
HOUSING = "Housing"
VOLUNTARY = "Family Support Network"

FILES = {
    CSC: "childrens_social_care.csv",
    POLICE: "police.csv",
    HEALTH: "health.csv",
    SCHOOL: "school.csv",
    HOUSING: "housing.csv",
    VOLUNTARY: "family_support_network.csv",
}
# Police write day-first dates as their system exports them; the rest use ISO.
DAY_FIRST = {POLICE}

# (date, agency, type, summary, precision) for the events that make the story.
KEY_EVENTS: list[tuple[str, str, str, str, str]] = [
    (
        "2013-10-02",
        HEALTH,
        "Antenatal booking",
        "Late booking at 19 weeks. Mother disclosed previous relationship was 'volatile'; no further enquiry recorded.",
        "day",
    ),
    (
        "2013-11-14",
        HEALTH,
        "Missed appointment",
        "Mother did not attend 20-week scan. Letter sent.",
        "day",
    ),
    (
        "2013-12",
        VOLUNTARY,
        "Contact",
        "Mother attended drop-in for baby equipment. Appeared anxious; declined follow-up.",
        "month",
    ),
    (
        "2014-01-20",
        POLICE,
        "Domestic incident",
        "Neighbour reported shouting at address. Mother (pregnant) said verbal argument only. DASH standard risk.",
        "day",
    ),
    (
        "2014-01-22",
        CSC,
        "Notification",
        "Police notification of domestic incident received (unborn). Information only; no further action.",
        "day",
    ),
    ("2014-03-11", HEALTH, "Birth", "Child J born at 38 weeks, 2.9 kg. Discharged day 2.", "day"),
    (
        "2014-03-25",
        HEALTH,
        "New birth visit",
        "Health visitor new birth visit. Home cluttered; father present and answered most questions.",
        "day",
    ),
    (
        "2014-06-03",
        HEALTH,
        "Was not brought",
        "Child not brought to 8-week immunisations. Second appointment offered.",
        "day",
    ),
    (
        "2014-07-15",
        HEALTH,
        "Was not brought",
        "Child not brought to rearranged immunisations. GP letter to mother.",
        "day",
    ),
    (
        "2014-09-09",
        POLICE,
        "Domestic incident",
        "Mother called 999: partner damaged door. Child (6 months) present. DASH medium risk. Partner arrested, released without charge.",
        "day",
    ),
    (
        "2014-09-11",
        CSC,
        "Referral",
        "Referral from police: domestic incident, infant present. Screened at MASH.",
        "day",
    ),
    (
        "2014-09-16",
        CSC,
        "Outcome",
        "MASH decision: below threshold. Signposted to early help; letter to mother.",
        "day",
    ),
    (
        "2014-10",
        HOUSING,
        "Rent arrears",
        "Arrears of 6 weeks. Tenancy sustainment officer unable to make contact.",
        "month",
    ),
    (
        "2015-02-04",
        HEALTH,
        "Health visitor contact",
        "1-year review not completed: no answer at two visits. Case discussed in HV supervision.",
        "day",
    ),
    (
        "2015-05-18",
        POLICE,
        "Domestic incident",
        "Report of assault on mother by partner. Child present, crying. DASH high risk. Referred to MARAC.",
        "day",
    ),
    (
        "2015-05-19",
        CSC,
        "Referral",
        "Police referral following high-risk domestic incident. Strategy discussion held.",
        "day",
    ),
    (
        "2015-05-28",
        CSC,
        "MARAC",
        "MARAC: safety plan; IDVA allocated; housing to consider move.",
        "day",
    ),
    (
        "2015-06-10",
        CSC,
        "Assessment",
        "Child and family assessment started. Mother engaged; partner not seen.",
        "day",
    ),
    (
        "2015-07-22",
        CSC,
        "Assessment",
        "Assessment completed: child in need plan agreed. Focus on domestic abuse and home conditions.",
        "day",
    ),
    (
        "2015-08",
        HOUSING,
        "Housing move",
        "Family moved to temporary accommodation (one bedroom) under management move.",
        "month",
    ),
    (
        "2015-11-30",
        CSC,
        "Case closure",
        "CIN plan closed: mother reports partner has left. Step down to early help.",
        "day",
    ),
    (
        "2016",
        VOLUNTARY,
        "Early help",
        "Family support worker allocated (exact start date not recorded).",
        "year",
    ),
    (
        "2016-09",
        VOLUNTARY,
        "Early help",
        "Parenting programme: mother attended 3 of 8 sessions.",
        "month",
    ),
    (
        "2017-01-12",
        HEALTH,
        "Development review",
        "2-year review (late): speech delay noted; referral to speech and language therapy.",
        "day",
    ),
    (
        "2017-04-03",
        HEALTH,
        "Was not brought",
        "Child not brought to speech and language therapy. Discharged after second missed appointment.",
        "day",
    ),
    (
        "2017-06-19",
        POLICE,
        "Domestic incident",
        "Partner back at address. Argument overheard; no offences disclosed. Child asleep upstairs.",
        "day",
    ),
    (
        "2017-06-21",
        CSC,
        "Notification",
        "Police notification: ex-partner present at home. Information shared with early help worker.",
        "day",
    ),
    (
        "2017-09-05",
        SCHOOL,
        "Admission",
        "Child starts nursery class at Riverside Primary (fictional).",
        "day",
    ),
    ("2018-09-04", SCHOOL, "Admission", "Child starts Reception.", "day"),
    (
        "2018-11-20",
        SCHOOL,
        "Welfare concern",
        "Child arrived hungry and in the same clothes for several days. Breakfast club offered.",
        "day",
    ),
    (
        "2019-01-15",
        SCHOOL,
        "Attendance",
        "Attendance 82% this term. Letter to parent; meeting not attended.",
        "day",
    ),
    (
        "2019-02-26",
        SCHOOL,
        "Referral",
        "School referral to children's social care: neglect, poor attendance, child says 'Mummy sleeps all day'.",
        "day",
    ),
    (
        "2019-02-27",
        CSC,
        "Referral",
        "Referral from school received. Strategy discussion held with police and health.",
        "day",
    ),
    (
        "2019-03-05",
        CSC,
        "Section 47 enquiry",
        "Section 47 enquiry: home conditions poor, little food; mother low in mood; child's voice recorded.",
        "day",
    ),
    (
        "2019-03-26",
        CSC,
        "Child protection conference",
        "Initial child protection conference: child protection plan, category neglect.",
        "day",
    ),
    ("2019-04-09", CSC, "Core group", "First core group meeting. GP not represented.", "day"),
    (
        "2019-05-02",
        HEALTH,
        "GP appointment",
        "Mother seen by GP: low mood, prescribed antidepressants. GP not aware of CP plan.",
        "day",
    ),
    (
        "2019-06-25",
        CSC,
        "Review conference",
        "Review conference: some progress on home conditions; plan continues.",
        "day",
    ),
    (
        "2019-12-10",
        CSC,
        "Review conference",
        "Review conference: plan continues; attendance improved to 91%.",
        "day",
    ),
    (
        "2020-03-23",
        SCHOOL,
        "Closure",
        "School closed to most pupils (national lockdown). Child offered a place as vulnerable; did not attend.",
        "day",
    ),
    (
        "2020-04-14",
        CSC,
        "Home visit",
        "Doorstep visit; child seen briefly at window. Mother declined entry citing virus.",
        "day",
    ),
    (
        "2020-06-16",
        CSC,
        "Review conference",
        "Virtual review conference: step down to child in need plan.",
        "day",
    ),
    (
        "2020-09-08",
        SCHOOL,
        "Attendance",
        "Child returns to school; thin, tired. Welfare check-ins started.",
        "day",
    ),
    (
        "2021-03-18",
        CSC,
        "Case closure",
        "CIN plan closed: threshold no longer met. Early help offered.",
        "day",
    ),
    ("2021-05-11", SCHOOL, "Exclusion", "Fixed-term exclusion (1 day): hit another pupil.", "day"),
    (
        "2021-10-05",
        SCHOOL,
        "Exclusion",
        "Fixed-term exclusion (2 days): damaged classroom property.",
        "day",
    ),
    ("2021-11-02", HEALTH, "Referral", "GP referral to CAMHS: sleep problems, anger.", "day"),
    (
        "2022-02-14",
        HEALTH,
        "Referral outcome",
        "CAMHS: referral not accepted; signposted to school counselling.",
        "day",
    ),
    (
        "2022-07",
        HOUSING,
        "Housing move",
        "Family moved to a flat in another area; child stays at Riverside Primary.",
        "month",
    ),
    (
        "2022-09-06",
        SCHOOL,
        "Attendance",
        "Attendance falls to 74%: long journey to school reported by mother.",
        "day",
    ),
    (
        "2023-09-05",
        SCHOOL,
        "Transition",
        "Starts Year 7 at Hillside Academy (fictional). Transfer file received late.",
        "day",
    ),
    (
        "2023-11-17",
        POLICE,
        "Missing episode",
        "Reported missing by mother at 22:00; found at 02:30 with older youths in town centre.",
        "day",
    ),
    (
        "2023-11-18",
        POLICE,
        "Return interview",
        "Return home interview offered; child declined.",
        "day",
    ),
    (
        "2023-11-20",
        CSC,
        "Referral",
        "Police referral: missing episode, concern about older associates.",
        "day",
    ),
    (
        "2023-12-04",
        CSC,
        "Assessment",
        "Child and family assessment: exploitation screening tool completed (medium).",
        "day",
    ),
    (
        "2024-01-26",
        POLICE,
        "Missing episode",
        "Missing overnight; found in another town with cash and two phones.",
        "day",
    ),
    (
        "2024-01-29",
        CSC,
        "Strategy meeting",
        "Strategy meeting: child criminal exploitation concerns. Section 47 enquiry.",
        "day",
    ),
    (
        "2024-02-08",
        SCHOOL,
        "Exclusion",
        "Fixed-term exclusion (5 days): found with a knife in bag.",
        "day",
    ),
    (
        "2024-02-20",
        CSC,
        "Child protection conference",
        "Initial child protection conference: plan for risk outside the home.",
        "day",
    ),
    (
        "2024-03-12",
        VOLUNTARY,
        "Mentoring",
        "Youth mentor allocated; first session attended.",
        "day",
    ),
    (
        "2024-05-21",
        CSC,
        "Review conference",
        "Review conference: no missing episodes in 8 weeks; mentor relationship positive.",
        "day",
    ),
]

# What the reviewer's lenses should find (fictional like the rest): one incident told by three
# agencies in their own words, and a referral that reached nobody. Numbered after each
# agency's other records, so adding them left every earlier reference as it was.
LENS_EVENTS: list[tuple[str, str, str, str, str]] = [
    (
        "2015-05-18",
        HOUSING,
        "Neighbour complaint",
        (
            "Neighbour reported assault on mother by partner at the address; child present and"
            " crying. DASH risk passed to police."
        ),
        "day",
    ),
    (
        "2015-05-19",
        HEALTH,
        "A&E attendance",
        (
            "Mother attended A&E after assault by partner; child present and crying at the"
            " scene. DASH disclosed high risk; GP informed."
        ),
        "day",
    ),
    (
        "2016-03-14",
        HEALTH,
        "Referral",
        "Health visitor referral to MASH: bruise on child's arm seen at home visit.",
        "day",
    ),
]

ROUTINE = {
    HEALTH: [
        ("GP appointment", "Seen for minor illness; advice given."),
        ("Health visitor contact", "Routine contact; weight and development checked."),
        ("Was not brought", "Child not brought to appointment; no follow-up recorded."),
    ],
    SCHOOL: [
        ("Attendance", "Half-term attendance report."),
        ("Welfare concern", "Child tired and withdrawn in class; logged."),
        ("Parent contact", "Phone call with mother about behaviour."),
    ],
    HOUSING: [
        ("Tenancy visit", "Tenancy visit: property in poor condition; repairs logged."),
        ("Rent arrears", "Arrears letter sent."),
    ],
    POLICE: [
        ("Information report", "Call from neighbour about noise at address; no attendance."),
        ("Welfare check", "Officers attended for welfare check; all appeared well."),
    ],
    CSC: [
        ("Home visit", "Statutory home visit; child seen alone."),
        ("Supervision", "Case discussed in supervision."),
    ],
    VOLUNTARY: [
        ("Contact", "Family support session at home."),
        ("Contact", "Telephone contact with mother."),
    ],
}
ROUTINE_COUNTS = {HEALTH: 70, SCHOOL: 80, HOUSING: 25, POLICE: 20, CSC: 40, VOLUNTARY: 25}
ROUTINE_START = {SCHOOL: date(2017, 9, 5), VOLUNTARY: date(2016, 1, 1)}


def routine_events(rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    events = []
    for agency, count in ROUTINE_COUNTS.items():
        start = ROUTINE_START.get(agency, DOB)
        span = (END - start).days
        for _ in range(count):
            day = start + timedelta(days=rng.randrange(span))
            if agency == SCHOOL and day.month == 8:
                continue  # school holidays
            kind, text = rng.choice(ROUTINE[agency])
            events.append((day.isoformat(), agency, kind, text, "day"))
    return events


def write_demo(folder: Path = HERE) -> None:
    rng = random.Random(20140311)
    events = KEY_EVENTS + routine_events(rng)
    for agency, file_name in FILES.items():
        rows = sorted(e for e in events if e[1] == agency)
        rows += sorted(e for e in LENS_EVENTS if e[1] == agency)
        prefix = "".join(w[0] for w in agency.split()).upper()
        with (folder / file_name).open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["date", "time", "event_type", "summary", "source_ref"])
            for n, (day, _, kind, text, precision) in enumerate(rows, start=1):
                if agency in DAY_FIRST and precision == "day":
                    y, m, d = day.split("-")
                    day = f"{d}/{m}/{y}"
                time = (
                    f"{rng.randrange(8, 23):02d}:{rng.choice([0, 15, 30, 45]):02d}"
                    if agency == POLICE
                    else ""
                )
                out.writerow([day, time, kind, text, f"{prefix}-{n:04d}"])


if __name__ == "__main__":
    write_demo()

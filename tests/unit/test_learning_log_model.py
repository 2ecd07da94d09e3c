"""The typed learning log reads every signed snapshot, old shapes included, and round-trips."""

from __future__ import annotations

from data.learning_log_model import (
    Episode,
    Journey,
    LearningLog,
    LearningPoint,
    Reflection,
    StageCount,
)


def test_a_snapshot_signed_before_later_fields_existed_reads_with_their_defaults():
    old = {
        "case_ref": "X-1",
        "status": "signed off",
        "journey": {"event_count": 3, "agencies": ["Police"], "episodes": []},
        "learning_points": [
            {"learning_id": 7, "scope": "cross_agency", "text": "Told", "themes": ["Voice"]}
        ],
        "reflections_by_stage": [{"stage": "Feelings", "count": 2}],
        "a_key_no_longer_kept": "ignored",
    }
    log = LearningLog.from_dict(old)
    assert log.signed and log.reflections == () and log.learning_event_ids == ()
    assert log.journey == Journey(event_count=3, agencies=("Police",))
    assert log.learning_points[0].themes == ("Voice",)
    assert log.learning_points[0].shared_text is None
    assert log.reflections_by_stage == (StageCount("Feelings", 2),)


def test_a_learning_log_survives_its_snapshot_whole():
    log = LearningLog(
        case_ref="X-2",
        journey=Journey(episodes=(Episode("Referral", "2020-01-01", None, "problem"),)),
        learning_points=(
            LearningPoint(7, "single_agency", "Ĉu =1+1 \u2028", agency="Police", themes=("A",)),
        ),
        reflections=(Reflection("The whole case", "Analysis", "Why"),),
        learning_event_ids=(3, 5),
    )
    assert LearningLog.from_json(log.as_json()) == log
    assert not log.signed

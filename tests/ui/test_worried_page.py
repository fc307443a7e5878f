"""The partner page: a council and a concern give the front door, the 999 line when needed, and store nothing."""

from __future__ import annotations

import pytest
from ui_helpers import texts

pytestmark = pytest.mark.slow


def open_page(app):
    app.switch_page("views/worried.py").run()
    return app


def test_concern_for_a_council_gets_its_front_door_and_is_not_stored(app, ui_settings):
    open_page(app)
    assert "call 999" in texts(app.error)
    app.selectbox[0].set_value("Torbay Council")
    app.text_area[0].set_value("A pupil called Jayden Smith has bruises and says his dad hit him last week.")
    app.button[0].click().run()
    assert "Safeguarding Hub \\(MASH\\)" in texts(app.info) and "Not covered" not in texts(app.info)
    assert not app.exception
    db = ui_settings.feedback_db
    assert not db.exists() or b"Jayden" not in db.read_bytes()


def test_a_council_the_library_does_not_hold_is_said_first_then_the_librarys_doors(app):
    open_page(app)
    app.text_area[0].set_value("I teach in Leeds. A girl in my class told me her uncle touches her.")
    app.button[0].click().run()
    boxes = [texts(box) for box in app.info]
    first = next(i for i, box in enumerate(boxes) if "Not in this library" in box)
    doors = next(i for i, box in enumerate(boxes) if "Safeguarding Hub" in box)
    assert first < doors and "Leeds's children's services front door" in boxes[first]
    assert "If the child lives in one of the councils this library covers" in boxes[doors]
    assert "Which council" not in texts(app.caption)
    assert not app.exception


def test_no_council_chosen_lists_every_front_door(app):
    open_page(app)
    app.text_area[0].set_value("A baby in the nursery often arrives hungry and in the same nappy.")
    app.button[0].click().run()
    doors = texts(app.info)
    for door in ("Safeguarding Hub", "Children's Hub", "Advice and Assessment", "Referral and Assessment Service"):
        assert door in doors
    assert not app.exception


def test_national_guidance_is_no_council_a_child_lives_in(app, ui_settings):
    before = ui_settings.manifest_path.read_text(encoding="utf-8")
    national = "- name: Department for Education\n  aliases: [DfE]\n  national: true\ndocuments:\n"
    ui_settings.manifest_path.write_text(before.replace("documents:\n", national, 1), encoding="utf-8")
    try:
        app.run()
        app.switch_page("views/worried.py").run()
        options = app.selectbox[0].options
        assert "City of York Council" in options and "Department for Education" not in options
    finally:
        ui_settings.manifest_path.write_text(before, encoding="utf-8")
    assert not app.exception

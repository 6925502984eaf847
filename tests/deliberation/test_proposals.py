"""Theme proposals: a theme table's host writes one during the proposals step, every screen
sees it grow, a stale save is refused, and freezing fixes the text a ballot names."""

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from deliberation import events, rules, selectors, services
from deliberation.models import Idea, Proposal, Step, Summit, SummitTable, Theme
from tests.deliberation.factories import go_to_step, make_summit
from tests.demo_seed import seed_demo
from tests.live import connected, receive_json

SLUG = "burgertop-test"
PATH = f"/ws/summits/{SLUG}/"


def afternoon(slug=SLUG):
    """A summit in its proposals step: table 1 (Groen) and 2 (no theme yet), ideas of both
    themes at table 1."""
    setup = make_summit(slug)
    summit = setup.summit
    green = Theme.objects.create(summit=summit, name="Groen", featured=True)
    traffic = Theme.objects.create(summit=summit, name="Verkeer", featured=True)
    SummitTable.objects.filter(summit=summit, number=1).update(theme=green)
    table = SummitTable.objects.get(summit=summit, number=1)
    now = timezone.now()

    def idea(text, theme):
        return Idea.objects.create(
            summit=summit,
            table=table,
            author=setup.residents[0],
            text=text,
            theme=theme,
            created_at=now,
            updated_at=now,
        )

    setup.green_ideas = [idea("Meer bomen", green), idea("Een moestuin", green)]
    setup.traffic_idea = idea("Drempels", traffic)
    go_to_step(summit, Step.Kind.PROPOSALS)
    return setup


def save(setup, *, by=None, version=0, title="Groen Diemen", text="Plant **meer** bomen.", **kw):
    return services.proposal_save(
        summit=setup.summit,
        by=by or setup.hosts[0],
        title=title,
        text=text,
        version=version,
        now=timezone.now(),
        **kw,
    )


@pytest.mark.django_db
def test_host_writes_the_proposal_and_every_screen_starts_from_it():
    setup = afternoon()
    ideas = [i.pk for i in setup.green_ideas]
    result = save(setup, ideas=ideas, text="Plant bomen.\n\n- in elke straat\n- bij scholen")
    assert result["number"] == 1 and result["version"] == 1
    proposal = Proposal.objects.get()
    assert proposal.text == "Plant bomen.\n\n- in elke straat\n- bij scholen", "lines kept"
    assert sorted(proposal.ideas.values_list("pk", flat=True)) == ideas
    for person in (setup.residents[0], setup.theme_team, setup.facilitator):
        roles = rules.summit_roles(person, setup.summit)
        snap = selectors.snapshot(setup.summit, user=person, roles=roles, now=timezone.now())
        [shown] = snap["data"]["proposals"]
        assert shown["title"] == "Groen Diemen" and shown["tables"] == [1]
        assert shown["status"] == "writing" and shown["ideas"] == ideas
        assert set(shown) == set(events.ProposalData.__annotations__)
    roles = rules.summit_roles(setup.residents[1], setup.summit)  # seated at table 2
    snap = selectors.snapshot(
        setup.summit, user=setup.residents[1], roles=roles, now=timezone.now()
    )
    [brief] = snap["data"]["proposals"]
    assert brief["title"] == "Groen Diemen" and "text" not in brief
    save(setup, version=1, title="Groener Diemen")
    assert Proposal.objects.get().version == 2 and Proposal.objects.count() == 1


@pytest.mark.django_db
def test_a_save_from_an_older_version_is_refused_not_merged():
    setup = afternoon()
    save(setup)
    save(setup, version=1, text="Tweede versie")
    with pytest.raises(services.CommandRefused) as refused:
        save(setup, version=1, text="Oude tab")
    assert refused.value.code == "stale"
    assert "Iemand anders heeft dit voorstel intussen aangepast" in refused.value.message
    assert Proposal.objects.get().text == "Tweede versie"


def _refusal(setup, **kw):
    with pytest.raises(services.CommandRefused) as refused:
        save(setup, **kw)
    return refused.value


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "code", "words"),
    [
        ("outside_step", "step_closed", "deze stap is niet open"),
        ("participant", "forbidden", "U mag dit niet doen"),
        ("other_host_no_theme", "no_theme", "Deze tafel heeft nog geen thema"),
        ("empty_title", "invalid", "Een voorstel heeft een titel nodig"),
        ("empty_text", "invalid", "Een voorstel heeft een tekst nodig"),
        ("text_too_long", "too_long", "hoogstens 1500 tekens"),
        ("title_too_long", "too_long", "hoogstens 120 tekens"),
        ("idea_of_other_theme", "not_found", "ideeën van het thema van deze tafel"),
        ("idea_of_other_summit", "not_found", "ideeën van het thema van deze tafel"),
        ("ideas_not_a_list", "invalid", "Kies de ideeën"),
        ("no_version", "invalid", "versie"),
    ],
)
def test_bad_proposals_are_refused_in_dutch_and_nothing_is_stored(case, code, words):
    setup = afternoon()
    kw = {}
    if case == "outside_step":
        go_to_step(setup.summit, Step.Kind.VOTE)
    elif case == "participant":
        kw["by"] = setup.residents[0]
    elif case == "other_host_no_theme":
        kw["by"] = setup.hosts[1]
    elif case == "empty_title":
        kw["title"] = "  \n "
    elif case == "empty_text":
        kw["text"] = "\x00 \n"
    elif case == "text_too_long":
        kw["text"] = "x" * 1501
    elif case == "title_too_long":
        kw["title"] = "x" * 121
    elif case == "idea_of_other_theme":
        kw["ideas"] = [setup.green_ideas[0].pk, setup.traffic_idea.pk]
    elif case == "idea_of_other_summit":
        other = afternoon("andere-top")
        kw["ideas"] = [other.green_ideas[0].pk]
    elif case == "ideas_not_a_list":
        kw["ideas"] = "1,2"
    elif case == "no_version":
        kw["version"] = None
    refusal = _refusal(setup, **kw)
    assert (refusal.code, words in refusal.message) == (code, True), refusal.message
    assert not Proposal.objects.filter(summit=setup.summit).exists()
    assert Summit.objects.get(pk=setup.summit.pk).seq == 0, "no event went out"


@pytest.mark.django_db
def test_freezing_fixes_the_text_the_ballot_names_and_refuses_every_later_edit():
    setup = afternoon()
    save(setup, ideas=[setup.green_ideas[0].pk])
    result = services.proposals_freeze(summit=setup.summit)
    assert result == {"frozen": 1}
    proposal = Proposal.objects.get()
    assert proposal.status == "frozen" and proposal.frozen_at is not None
    refusal = _refusal(setup, version=1, title="Nog even anders")
    assert refusal.code == "frozen" and "staan vast" in refusal.message
    # A table that had not started cannot add one after the freeze either.
    SummitTable.objects.filter(number=2).update(theme=Theme.objects.get(name="Verkeer"))
    assert _refusal(setup, by=setup.hosts[1]).code == "frozen"
    [option] = selectors.frozen_proposals(setup.summit)
    assert (option.id, option.number, option.title) == (proposal.pk, 1, "Groen Diemen")
    assert option.text == "Plant **meer** bomen."
    assert Proposal.objects.get().title == "Groen Diemen"


@pytest.mark.django_db
def test_only_staff_freeze_from_their_screen():
    setup = afternoon()
    with pytest.raises(services.CommandRefused) as refused:
        services.proposals_freeze(summit=setup.summit, by=setup.theme_team)
    assert refused.value.code == "forbidden"
    assert services.proposals_freeze(summit=setup.summit, by=setup.facilitator) == {"frozen": 0}


@pytest.mark.django_db
def test_the_proposal_has_a_citable_page_for_the_summit_with_safe_markdown(client):
    setup = afternoon()
    save(setup, text="Plant **meer** bomen.\n\n<script>alert(1)</script>")
    address = f"/burgertop/{SLUG}/voorstellen/1/"
    client.force_login(setup.residents[1])  # seated at table 2: any participant reads it
    page = client.get(address).content.decode()
    assert "Groen Diemen" in page and "<strong>meer</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "Thema Groen, geschreven door tafel 1." in page
    client.force_login(setup.outsider)
    assert client.get(address).status_code == 403
    client.force_login(setup.facilitator)
    assert client.get(f"/burgertop/{SLUG}/voorstellen/2/").status_code == 404


# Through the live channel ------------------------------------------------------------------


async def _frame_until(socket, want):
    """Frames (batch frames opened) until one for which ``want`` is true."""
    while True:
        frame = await receive_json(socket)
        for item in frame["events"] if frame["kind"] == "batch" else [frame]:
            if want(item):
                return item


async def _send(socket, type_, data, key=None):
    key = key or str(uuid.uuid4())
    frame = {"kind": "command", "id": key, "type": type_, "data": data}
    await socket.send_to(text_data=json.dumps(frame))
    return await _frame_until(socket, lambda f: f.get("id") == key), key


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("in_memory_layer")
async def test_table_and_theme_team_see_the_proposal_grow_live_and_a_stale_save_is_refused():
    setup = await sync_to_async(afternoon)()
    async with (
        connected(PATH, user=setup.hosts[0]) as host,
        connected(PATH, user=setup.residents[0]) as phone,
        connected(PATH, user=setup.theme_team) as team,
        connected(PATH, user=setup.facilitator) as control,
        connected(PATH, user=setup.residents[1]) as elsewhere,  # seated at table 2
    ):
        for socket in (host, phone, team, control, elsewhere):
            assert (await receive_json(socket))["data"]["proposals"] == []
        data = {"title": "Groen Diemen", "text": "Bomen", "ideas": [], "version": 0}
        ack, key = await _send(host, "proposal.save", data)
        assert ack["kind"] == "ack" and ack["result"]["version"] == 1
        for socket in (phone, team):
            seen = await _frame_until(socket, lambda f: f.get("type") == "proposal.saved")
            assert seen["data"]["text"] == "Bomen" and seen["data"]["tables"] == [1]
            assert set(seen["data"]) == set(events.ProposalData.__annotations__)
        # Another table's phones get it without the text (a host saves often).
        brief = await _frame_until(elsewhere, lambda f: f.get("type") == "proposal.saved")
        assert brief["data"]["title"] == "Groen Diemen" and "text" not in brief["data"]
        assert set(brief["data"]) == set(events.ProposalBriefData.__annotations__)
        again, _key = await _send(host, "proposal.save", data, key=key)
        assert again == ack, "a resent command gets its first answer"
        grown = {**data, "text": "Bomen in elke straat", "version": 1}
        assert (await _send(host, "proposal.save", grown))[0]["result"]["version"] == 2
        seen = await _frame_until(phone, lambda f: f.get("type") == "proposal.saved")
        assert seen["data"]["text"] == "Bomen in elke straat"
        error, _key = await _send(host, "proposal.save", {**grown, "text": "Oud"})
        assert error["kind"] == "error" and error["code"] == "stale"
        assert "Iemand anders heeft dit voorstel intussen aangepast" in error["message"]

        frozen, _key = await _send(control, "proposals.freeze", {})
        assert frozen["kind"] == "ack" and frozen["result"] == {"frozen": 1}
        seen = await _frame_until(phone, lambda f: f.get("type") == "proposal.saved")
        assert seen["data"]["status"] == "frozen"
        error, _key = await _send(host, "proposal.save", {**grown, "version": 2})
        assert error["code"] == "frozen"
    async with connected(PATH, user=setup.residents[2]) as late:  # table 1
        [shown] = (await receive_json(late))["data"]["proposals"]
    assert shown["text"] == "Bomen in elke straat" and shown["status"] == "frozen"
    async with connected(PATH, user=setup.residents[1]) as late:  # table 2
        [shown] = (await receive_json(late))["data"]["proposals"]
    assert shown["status"] == "frozen" and "text" not in shown


@pytest.mark.django_db
def test_the_demo_has_an_afternoon_summit_with_a_proposal_for_each_theme_table(tmp_path, client):
    seed_demo(tmp_path / "l.txt", tmp_path / "c.csv", runs=2)  # a re-run adds nothing
    summit = Summit.objects.get(slug="burgertop-diemen-middag")
    assert summit.current_step.kind == Step.Kind.PROPOSALS
    tables = summit.tables.exclude(theme=None)
    assert tables.count() == 4
    assert sorted(
        Proposal.objects.filter(summit=summit).values_list("table__number", flat=True)
    ) == [t.number for t in tables]
    assert all(p.ideas.count() == 2 for p in Proposal.objects.filter(summit=summit))
    assert Summit.objects.get(slug="burgertop-diemen-2026").current_step is None, "morning intact"
    client.force_login(summit.tables.get(number=1).host)
    page = client.get("/burgertop/burgertop-diemen-middag/voorstellen/1/").content.decode()
    assert "Elke straat een boom erbij" in page and "<strong>elke straat</strong>" in page


@pytest.mark.django_db
def test_proposal_refusals_are_english_for_an_english_visitor():
    from django.utils import translation
    from django.utils.translation import trans_real

    from samenspel import i18n

    i18n.compile_all()
    trans_real._translations = {}
    trans_real._default = None
    setup = afternoon()
    save(setup)
    with translation.override("en"):
        assert _refusal(setup, version=0).message.startswith(
            "Someone else has changed this proposal in the meantime."
        )
        services.proposals_freeze(summit=setup.summit)
        assert "can no longer be changed" in _refusal(setup, version=1).message

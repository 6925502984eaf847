"""The whole role x step matrix of live commands: on the rule each command declares, through
its service, and through the channel."""

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import rules, services
from deliberation.models import Step, Summit
from samenspel.models import Role
from tests.deliberation.factories import go_to_step, make_summit
from tests.factories import UserFactory
from tests.live import connected, receive_json

ROLES = [
    Role.FACILITATOR,
    Role.ADMINISTRATOR,
    Role.THEME_TEAM,
    Role.TABLE_HOST,
    rules.PARTICIPANT,
    Role.RESIDENT,
]
STEPS = [None, *Step.Kind.values]
CONTROL = {"step.start", "step.pause", "step.extend", "step.advance", "step.back", "message.send"}
DESK = {"participant.check_in", "participant.walk_in", "participant.seat_all"}
WRITE = {"idea.create", "idea.edit", "idea.withdraw"}
CURATE = {
    "idea.hide",
    "idea.merge",
    "idea.restore",
    "theme.create",
    "theme.rename",
    "theme.assign",
    "theme.feature",
}
THEME_TABLES = {"table.spread_themes", "table.choose"}
JOIN = {"participant.join_online"}
PROPOSALS = {"proposal.save", "proposals.freeze"}
VOTE = {"ballot.cast", "vote.close", "vote.reveal"}
ALL = CONTROL | DESK | WRITE | CURATE | THEME_TABLES | JOIN | PROPOSALS | VOTE


def expected(command, role, step, state):
    if command in CONTROL | DESK:
        return role in {Role.FACILITATOR, Role.ADMINISTRATOR}
    if command in WRITE:
        return (
            role in {Role.TABLE_HOST, rules.PARTICIPANT}
            and step in {"table_round", "idea_collection", "proposals"}
            and state == "running"
        )
    if command == "table.spread_themes":
        return role in {Role.THEME_TEAM, Role.FACILITATOR} and step in {
            "clustering",
            "theme_choice",
        }
    if command == "table.choose":
        return role == rules.PARTICIPANT and step == "theme_choice"
    if command in JOIN:
        return role in {Role.RESIDENT, rules.PARTICIPANT}
    if command == "proposal.save":
        return role == Role.TABLE_HOST and step == "proposals"
    if command == "proposals.freeze":
        return role in {Role.FACILITATOR, Role.ADMINISTRATOR}
    if command == "ballot.cast":
        return role == rules.PARTICIPANT and step == "vote"
    if command in VOTE:
        return role in {Role.FACILITATOR, Role.ADMINISTRATOR} and step == "vote"
    assert command in CURATE
    return role in {Role.THEME_TEAM, Role.FACILITATOR} and step in {
        "table_round",
        "idea_collection",
        "proposals",
        "clustering",
        "theme_choice",
    }


def test_every_command_is_declared_once_with_its_rule():
    assert set(services.COMMANDS) == ALL
    assert all(declared.name == name for name, declared in services.COMMANDS.items())


@pytest.mark.parametrize("command", sorted(ALL))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", STEPS)
def test_role_by_step_matrix(command, role, step):
    """The check every service runs (``rules.command_refusal`` on the declared rule)."""
    rule = services.COMMANDS[command].rule
    for state in ("running", "paused", "idle"):
        refusal = rules.command_refusal(rule, roles={role}, step_kind=step, step_state=state)
        assert (refusal is None) == expected(command, role, step, state), (
            command,
            role,
            step,
            state,
        )


@pytest.mark.django_db
def test_every_service_refuses_what_the_matrix_refuses_and_nothing_else():
    """Each command sent by each role at several steps: refused by its service exactly when
    the matrix says so, with the matrix's reason (each try is rolled back)."""
    setup = make_summit()
    scope = setup.summit.scope
    senders = {
        Role.FACILITATOR: setup.facilitator,
        Role.ADMINISTRATOR: UserFactory(roles=[(Role.ADMINISTRATOR, scope)]),
        Role.THEME_TEAM: setup.theme_team,
        Role.TABLE_HOST: setup.hosts[0],
        rules.PARTICIPANT: setup.residents[0],
        Role.RESIDENT: UserFactory(roles=[(Role.RESIDENT, scope)]),  # registered, not here
    }
    not_allowed = _("U mag dit niet doen in deze burgertop.")
    situations = [
        (None, "idle"),
        ("table_round", "running"),
        ("table_round", "paused"),
        ("clustering", "running"),
        ("theme_choice", "running"),
        ("proposals", "running"),
        ("vote", "running"),
    ]
    for step, state in situations:
        if step is None:
            Summit.objects.filter(pk=setup.summit.pk).update(current_step=None, step_state=state)
        else:
            go_to_step(setup.summit, step, state=state)
        for command in sorted(ALL):
            for role, sender in senders.items():
                refused = None
                with transaction.atomic():
                    try:
                        services.command_run(
                            summit=setup.summit,
                            by=sender,
                            key=uuid.uuid4(),
                            command=command,
                            data={},
                            now=timezone.now(),
                        )
                    except services.CommandRefused as refusal:
                        refused = refusal
                    transaction.set_rollback(True)
                case = (command, role, step, state, refused and refused.message)
                if expected(command, role, step, state):
                    # Allowed by the rule: refused, if at all, for what was (not) sent.
                    assert refused is None or refused.code != "step_closed", case
                    assert refused is None or refused.message != not_allowed, case
                else:
                    assert refused is not None, case
                    assert refused.code in {"forbidden", "step_closed"}, case
                    assert refused.code == rules.command_refusal(
                        services.COMMANDS[command].rule,
                        roles={role},
                        step_kind=step,
                        step_state=state,
                    ), case


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("in_memory_layer")
@pytest.mark.parametrize("kind", Step.Kind.values)
async def test_channel_refuses_ideas_outside_idea_steps_and_other_roles_always(kind):
    setup = await sync_to_async(make_summit)()

    @sync_to_async
    def go_to_step():
        summit = Summit.objects.get()
        step = Step.objects.filter(summit=summit, kind=kind).first() or Step.objects.create(
            summit=summit, position=99, kind=kind, title=kind
        )
        Summit.objects.filter(pk=summit.pk).update(current_step=step, step_state="running")

    await go_to_step()
    open_step = kind in {"table_round", "idea_collection", "proposals"}
    for user, may in [
        (setup.hosts[0], open_step),
        (setup.residents[0], open_step),
        (setup.theme_team, False),
        (setup.facilitator, False),
    ]:
        async with connected("/ws/summits/burgertop-test/", user=user) as socket:
            await receive_json(socket)
            key = str(uuid.uuid4())
            await socket.send_to(
                text_data=json.dumps(
                    {"kind": "command", "id": key, "type": "idea.create", "data": {"text": "Idee"}}
                )
            )
            while (frame := await receive_json(socket))["kind"] == "event":
                pass
            assert frame["id"] == key
            if may:
                assert frame["kind"] == "ack", frame
            else:
                assert frame["kind"] == "error", frame
                assert frame["code"] == (
                    "forbidden" if user in (setup.theme_team, setup.facilitator) else "step_closed"
                )


def test_the_plain_queries_of_the_command_path_name_the_tables_and_columns_that_exist():
    """rules.summit_roles and selectors.table_of skip the ORM; a renamed column must fail here."""
    from deliberation.models import Participant, SummitTable
    from samenspel.models import RoleGrant

    def columns(model):
        return {field.column for field in model._meta.concrete_fields}

    assert RoleGrant._meta.db_table == "samenspel_rolegrant"
    assert {"role", "scope", "user_id"} <= columns(RoleGrant)
    assert Participant._meta.db_table == "deliberation_participant"
    assert {"summit_id", "user_id", "table_id", "checked_in_at"} <= columns(Participant)
    assert SummitTable._meta.db_table == "deliberation_summittable"
    assert {"summit_id", "host_id"} <= columns(SummitTable)


@pytest.mark.django_db
def test_roles_and_tables_looked_up_for_a_whole_batch_match_the_lookup_of_each_person():
    """A batch of ideas looks up everyone's roles and table at once; the answer must be the
    one each person would get alone: host (also seated elsewhere), seated and unseated
    participant, staff, an outsider, an administrator, and someone from another summit."""
    from deliberation import selectors
    from deliberation.models import Participant
    from tests.factories import UserFactory

    setup = make_summit(residents=3)
    other = make_summit("andere-burgertop", residents=1)
    host = setup.hosts[0]
    Participant.objects.create(
        summit=setup.summit, user=host, table=setup.summit.tables.get(number=2)
    )
    unseated = setup.participants[2]
    unseated.table, unseated.checked_in_at = None, None
    unseated.save()
    admin = UserFactory(is_superuser=True)
    people = [
        host,
        setup.hosts[1],
        *setup.residents,
        setup.facilitator,
        setup.theme_team,
        setup.outsider,
        admin,
        other.residents[0],
    ]
    roles = rules.summit_roles_of(people, setup.summit)
    tables = selectors.tables_of(setup.summit, roles)
    for person in people:
        alone = rules.summit_roles(person, setup.summit)
        assert roles[person.pk] == alone, person
        assert tables[person.pk] == selectors.table_of(setup.summit, person, alone), person
    assert tables[host.pk].number == 1  # the table they host comes first
    assert tables[setup.residents[1].pk].number == 2
    assert tables[setup.outsider.pk] is None
    assert rules.ADMINISTRATOR in roles[admin.pk]

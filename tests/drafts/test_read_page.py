"""The read page of a nota people reacted to a lot: every thread as before (its passage,
names hidden or shown, replies, resolved or not, the anchor into the text), and the
newest threads first shown with the rest a click away."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.drafts import services, setup, views
from deliberation.drafts.models import Comment, DraftUpdate
from samenspel.models import Role
from tests.drafts.factories import make_draft, publish
from tests.factories import UserFactory
from tests.privacy import as_a_word

pytestmark = pytest.mark.django_db

TEXT = (
    "# Jeugdnota\n\nHet jongerenwerk is **open** in wijk 1.\n\n"
    "De [speeltuin](https://www.diemen.nl/spelen) krijgt een nieuwe schommel.\n"
)
OPEN = "Het jongerenwerk is **open** in wijk 1."
SWING = "speeltuin"
AMENDMENT_CARD = re.compile(r'<article class="ss-card" id="amendement-(\d+)">')
CARD = re.compile(r'<article class="ss-card" id="reactie-(\d+)">(.*?)</article>', re.S)


@pytest.fixture
def editor():
    return UserFactory(roles=[Role.ADMINISTRATOR], display_name="Eva Redacteur", is_staff=True)


def residents(count):
    return [UserFactory(display_name=f"Bewoner Echtenaam{n}") for n in range(count)]


def cards(page):
    """The comment cards of a page, in the page's order: {comment id: card html}."""
    return {int(pk): body for pk, body in CARD.findall(page)}


def add_threads(version, people, count, *, start_at=None):
    """``count`` comments, one minute apart, alternating between two passages."""
    start_at = start_at or timezone.now() - timedelta(days=1)
    return Comment.objects.bulk_create(
        Comment(
            version=version,
            author=people[n % len(people)],
            passage=OPEN if n % 2 == 0 else SWING,
            start=TEXT.index(OPEN if n % 2 == 0 else SWING),
            body=f"Reactie nummer {n}",
            created_at=start_at + timedelta(minutes=n),
        )
        for n in range(count)
    )


def test_every_thread_shows_its_passage_names_replies_and_anchor(client, editor):
    """A nota with hidden names, a long log, replies, resolved threads and amendments: what
    a reader sees of each thread."""
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, editor)
    writer, first, second = residents(3)
    now = timezone.now()
    # The writer wrote the text first (a long log); the others come after, in comment order.
    DraftUpdate.objects.bulk_create(
        DraftUpdate(draft=draft, data=b"", author=writer, created_at=now - timedelta(days=2))
        for _ in range(300)
    )
    threads = add_threads(version, [first, second, writer], 12)
    for thread in threads[:3]:
        services.comment_add(
            version=version, by=editor, body=f"Antwoord op {thread.body}", parent=thread, now=now
        )
    for thread in threads[3:5]:
        services.comment_resolve(comment=thread, by=editor, now=now)
    amendment = services.amendment_propose(
        version=version,
        by=first,
        passage=SWING,
        start=TEXT.index(SWING),
        replacement="speelplaats",
        rationale="Zo heet het.",
        now=now,
    )
    setup.draft_names_visible_set(draft=draft, by=editor, visible=False)

    client.force_login(first)
    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()

    shown = cards(page)
    assert list(shown) == [thread.pk for thread in threads]  # every thread, oldest first
    label = {writer.pk: "Inwoner 1", first.pk: "Inwoner 2", second.pk: "Inwoner 3"}
    for thread in threads:
        card = shown[thread.pk]
        assert f"<strong>{label[thread.author_id]}</strong>: {thread.body}</p>" in card
        passage = "Het jongerenwerk is open in wijk 1." if thread.passage == OPEN else SWING
        assert f'<p class="utrecht-paragraph">{passage}</p></blockquote>' in card
        resolved = thread in threads[3:5]
        assert (f'href="#passage-reactie-{thread.pk}"' in card) is not resolved
        assert (f'<span id="passage-reactie-{thread.pk}"></span>' in page) is not resolved
        assert ("Afgerond door Eva Redacteur." in card) is resolved
        replied = thread in threads[:3]
        assert (f"<strong>Eva Redacteur</strong>: Antwoord op {thread.body}" in card) is replied
    assert f'<span id="passage-amendement-{amendment.pk}"></span>' in page
    assert "Inwoner 2 stelt voor (op versie 1):" in page
    assert as_a_word(page, writer.display_name) is None
    assert as_a_word(page, second.display_name) is None
    assert "U ziet de nieuwste" not in page  # few threads: nothing folded


def test_many_threads_show_the_newest_and_all_of_them_on_request(client, editor):
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, editor)
    threads = add_threads(version, residents(4), views.THREADS_SHOWN + 5)
    services.comment_resolve(comment=threads[-1], by=editor, now=timezone.now())
    url = reverse("drafts:detail", args=[draft.slug])

    page = client.get(url).content.decode()

    newest = threads[5:]
    assert list(cards(page)) == [thread.pk for thread in newest]
    assert "U ziet de nieuwste 50 van de 55 reacties." in page
    assert f'href="{url}?reacties=alle#reacties">Toon alle 55 reacties</a>' in page
    # The text still marks the passages of every open thread, shown or not.
    for thread in threads[:-1]:
        assert f'<span id="passage-reactie-{thread.pk}"></span>' in page
    # The page keeps asking for what it shows.
    assert f'data-discussion="{reverse("drafts:discussion", args=[draft.slug])}"' in page

    everything = client.get(url, {"reacties": "alle"}).content.decode()

    assert list(cards(everything)) == [thread.pk for thread in threads]
    assert "U ziet alle 55 reacties." in everything
    assert f'href="{url}#reacties">Toon alleen de nieuwste 50</a>' in everything
    assert "?reacties=alle" in re.search(r'data-discussion="([^"]*)"', everything)[1]


def test_a_new_thread_arrives_in_place_of_the_oldest_shown_one(client, editor):
    """What the open page gets when the discussion changed keeps to what the page shows."""
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, editor)
    threads = add_threads(version, residents(2), views.THREADS_SHOWN + 1)
    discussion = reverse("drafts:discussion", args=[draft.slug])

    fragment = client.get(discussion, {"stand": "oud", "versie": "1"}).content.decode()
    every = client.get(
        discussion, {"stand": "oud", "versie": "1", "reacties": "alle"}
    ).content.decode()

    assert list(cards(fragment)) == [thread.pk for thread in threads[1:]]
    assert "U ziet de nieuwste 50 van de 51 reacties." in fragment
    assert list(cards(every)) == [thread.pk for thread in threads]


def test_answering_an_older_thread_returns_to_it_with_all_threads(client, editor):
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, editor)
    people = residents(2)
    threads = add_threads(version, people, views.THREADS_SHOWN + 3)
    oldest, newest = threads[0], threads[-1]
    client.force_login(people[0])

    answer = client.post(
        reverse("drafts:reply", args=[draft.slug, oldest.pk]), {"body": "Ik ben het eens."}
    )

    assert answer.status_code == 302
    assert answer["Location"].endswith(f"?reacties=alle#reactie-{oldest.pk}")
    page = client.get(answer["Location"]).content.decode()
    assert "Ik ben het eens." in cards(page)[oldest.pk]
    # A newer thread's answer goes back to the page as it opens.
    answer = client.post(reverse("drafts:reply", args=[draft.slug, newest.pk]), {"body": "Ja."})
    assert answer["Location"].endswith(f"/nota/{draft.slug}/#reactie-{newest.pk}")


def test_a_refused_answer_to_an_older_thread_keeps_what_was_typed(client, editor):
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, editor)
    people = residents(2)
    oldest = add_threads(version, people, views.THREADS_SHOWN + 1)[0]
    client.force_login(people[1])
    typed = "x" * 20_000  # past the limit of an answer

    answer = client.post(reverse("drafts:reply", args=[draft.slug, oldest.pk]), {"body": typed})

    assert answer.status_code == 400
    assert typed in cards(answer.content.decode())[oldest.pk]


def test_amendments_are_listed_oldest_first(client, editor):
    """In the order they were proposed, not the order the database happens to count them in."""
    draft = make_draft(text=TEXT, kind="jeugdnota")
    version = publish(draft, editor)
    resident = residents(1)[0]
    now = timezone.now()

    def propose(replacement, at):
        return services.amendment_propose(
            version=version,
            by=resident,
            passage=SWING,
            start=TEXT.index(SWING),
            replacement=replacement,
            rationale="Zo heet het.",
            now=at,
        )

    later = propose("speelplaats", now)
    earlier = propose("speelweide", now - timedelta(hours=1))  # stored second, proposed first
    services.amendment_support(amendment=later, by=editor, now=now)

    page = client.get(reverse("drafts:detail", args=[draft.slug])).content.decode()

    assert [int(pk) for pk in AMENDMENT_CARD.findall(page)] == [earlier.pk, later.pk]

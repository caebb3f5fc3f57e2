"""The order a quiz shows its choices in: a pure function of the questions and a seed."""

from collections import Counter

from courses.choice_order import arrange, choice_order, shuffled_choice_ids
from courses.grading import Choice, Question, grade, questions_from_quiz
from tests.page_factories import true_false, who_does_this
from tests.test_grading import quiz_stream

SEEDS = [f"{n:032x}" for n in range(200)]


def question(*ids: str, pinned=(), fixed_order=False, multiple=False) -> Question:
    return Question(
        id="q",
        prompt="?",
        explanation="",
        multiple=multiple,
        fixed_order=fixed_order,
        choices=tuple(
            Choice(choice_id, choice_id.upper(), n == 0, f"About {choice_id}.", choice_id in pinned)
            for n, choice_id in enumerate(ids)
        ),
    )


def test_the_same_seed_gives_the_same_order():
    q = question("a", "b", "c", "d")
    assert all(shuffled_choice_ids(q, seed) == shuffled_choice_ids(q, seed) for seed in SEEDS)


def test_every_order_turns_up_and_the_right_choice_is_not_kept_first():
    q = question("a", "b", "c")  # "a" is the right one
    orders = Counter(tuple(shuffled_choice_ids(q, seed)) for seed in SEEDS)
    assert len(orders) == 6
    firsts = Counter(order[0] for order in orders.elements())
    assert set(firsts) == {"a", "b", "c"}
    assert firsts["a"] < len(SEEDS) / 2


def test_questions_of_one_form_are_shuffled_independently():
    one, two = question("a", "b", "c", "d"), question("a", "b", "c", "d")
    two = Question("q2", two.prompt, two.explanation, two.choices)
    orders = [choice_order([one, two], seed) for seed in SEEDS[:20]]
    assert any(order["q"] != order["q2"] for order in orders)


def test_a_pinned_choice_keeps_its_place():
    q = question("a", "b", "c", "none", pinned={"none"})
    orders = {tuple(shuffled_choice_ids(q, seed)) for seed in SEEDS}
    assert all(order[3] == "none" for order in orders)
    assert len(orders) == 6  # the other three still move


def test_a_pinned_choice_in_the_middle_keeps_its_place():
    q = question("a", "all", "b", "c", pinned={"all"})
    assert {shuffled_choice_ids(q, seed)[1] for seed in SEEDS} == {"all"}


def test_true_false_and_who_does_this_keep_their_order():
    tf, who = questions_from_quiz(quiz_stream(true_false(), who_does_this()))
    for seed in SEEDS[:20]:
        order = choice_order([tf, who], seed)
        assert order[tf.id] == ["true", "false"]
        assert order[who.id] == ["teacher", "para", "both"]


def test_arrange_puts_choices_in_the_stored_order():
    q = question("a", "b", "c")
    (arranged,) = arrange([q], {"q": ["c", "a", "b"]})
    assert [c.id for c in arranged.choices] == ["c", "a", "b"]


def test_arrange_keeps_choices_added_since_after_the_stored_ones():
    q = question("a", "b", "c", "new")
    (arranged,) = arrange([q], {"q": ["c", "gone", "a", "b"]})
    assert [c.id for c in arranged.choices] == ["c", "a", "b", "new"]
    (untouched,) = arrange([q], {})
    assert untouched == q


def test_grading_reads_ids_not_positions():
    q = question("a", "b", "c")
    for seed in SEEDS[:20]:
        (shown,) = arrange([q], choice_order([q], seed))
        assert grade([shown], {"q": ["a"]}).score == 1.0
        assert grade([shown], {"q": [shown.choices[0].id]}).score == (
            1.0 if shown.choices[0].id == "a" else 0.0
        )


def test_the_feedback_that_mattered_is_the_picked_and_the_missed_right_ones():
    q = Question(
        id="q",
        prompt="?",
        explanation="",
        multiple=True,
        choices=(
            Choice("a", "A", True, "About a."),
            Choice("b", "B", True, "About b."),
            Choice("c", "C", False, "About c."),
            Choice("d", "D", False, "About d."),
        ),
    )
    (shown,) = arrange([q], {"q": ["d", "b", "c", "a"]})
    (item,) = grade([shown], {"q": ["a", "c"]}).feedback
    mattered = [(m.choice.id, m.chosen, m.missed) for m in item.choices_that_mattered]
    # In the order shown: "b" was right and missed; "d" did not matter.
    assert mattered == [("b", False, True), ("c", True, False), ("a", True, False)]
    assert [c.id for c in item.missed] == ["b"]

"""StreamField blocks for modules: the body, the quiz questions and the try-tomorrow actions.

Quiz blocks hold which answer is correct; their templates never render that
part, and the module page shows the quiz through a form built from the blocks
(see ``courses.grading``), so the answer only reaches the browser after an
attempt is submitted.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from accounts.roles import ActionWho, WhoDoesThisAnswer

# Body -----------------------------------------------------------------------


class CalloutBlock(blocks.StructBlock):
    style = blocks.ChoiceBlock(
        choices=[("why", _("Why it matters")), ("tip", _("Tip")), ("caution", _("Caution"))],
        default="why",
        label=_("Kind of box"),
        help_text=_("Each kind has its own colour and icon, and its name is read out."),
    )
    title = blocks.CharBlock(
        required=False,
        max_length=120,
        label=_("Heading"),
        help_text=_("Optional: a few words. Without one, the kind of box is the heading."),
    )
    text = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ul", "ol"],
        label=_("Text"),
        help_text=_("A sentence or two; a callout is read in passing."),
    )

    class Meta:
        icon = "help"
        template = "components/blocks/callout_block.html"
        preview_value = {
            "style": "why",
            "title": "Why it matters",
            "text": "<p>Students notice when the adults around them agree.</p>",
        }


class RoleRowBlock(blocks.StructBlock):
    task = blocks.CharBlock(
        max_length=120, label=_("Task"), help_text=_("For example “Data collection”.")
    )
    teacher = blocks.TextBlock(
        label=_("Special educator's role"),
        help_text=_("What the special educator does for this task."),
    )
    para = blocks.TextBlock(
        label=_("Para's role"), help_text=_("What the para does for this task.")
    )

    class Meta:
        icon = "user"


class RolesTableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(
        required=False,
        max_length=160,
        label=_("Caption"),
        help_text=_("Optional: what the table shows, e.g. “Who does what”."),
    )
    rows = blocks.ListBlock(
        RoleRowBlock(), min_num=1, label=_("Tasks"), help_text=_("One row a task.")
    )

    class Meta:
        icon = "table"
        template = "components/blocks/roles_table_block.html"
        preview_value = {
            "caption": "Who does what",
            "rows": [
                {
                    "task": "Data collection",
                    "teacher": "Decides what to collect and builds the tools.",
                    "para": "Records data accurately, as it happens.",
                }
            ],
        }


class DosDontsBlock(blocks.StructBlock):
    dos = blocks.ListBlock(
        blocks.CharBlock(max_length=200, label=_("Do")),
        label=_("Do"),
        min_num=1,
        help_text=_("One habit to keep an item, starting with a verb."),
    )
    donts = blocks.ListBlock(
        blocks.CharBlock(max_length=200, label=_("Don't")),
        label=_("Don't"),
        min_num=1,
        help_text=_("One habit to avoid an item, starting with a verb."),
    )

    class Meta:
        icon = "list-ul"
        template = "components/blocks/dos_donts_block.html"
        preview_value = {
            "dos": ["Ask when an instruction is unclear."],
            "donts": ["Correct your partner in front of students."],
        }


class ResearchNoteBlock(blocks.StructBlock):
    authors = blocks.CharBlock(
        max_length=200,
        label=_("Authors"),
        help_text=_("As the article lists them, e.g. “Powers, R., & Mandal, A.”."),
    )
    year = blocks.IntegerBlock(
        min_value=1900,
        max_value=2100,
        label=_("Year published"),
        help_text=_("For example 2016."),
    )
    title = blocks.CharBlock(
        max_length=300, label=_("Title of the article"), help_text=_("As it was published.")
    )
    journal = blocks.CharBlock(
        max_length=200,
        label=_("Journal or publisher"),
        help_text=_("Where it was published, written out in full."),
    )
    link = blocks.URLBlock(
        required=False,
        label=_("Link"),
        help_text=_("Optional: where a reader can find it, ideally a free copy."),
    )
    summary = blocks.RichTextBlock(
        features=["bold", "italic", "link"],
        label=_("What it found"),
        help_text=_("One or two sentences in plain words: what it means for a pair."),
    )

    class Meta:
        icon = "doc-full"
        template = "components/blocks/research_note_block.html"
        preview_value = {
            "authors": "Powers, R., & Mandal, A.",
            "year": 2016,
            "title": "Impact of Paraprofessional Collaboration on Student Outcomes",
            "journal": "The Journal of the American Academy of Special Education Professionals",
            "link": "https://files.eric.ed.gov/fulltext/EJ1117458.pdf",
            "summary": "<p>Students grew more when paras were part of planning.</p>",
        }


class ScenarioBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        max_length=120, label=_("Title"), help_text=_("A few words that name the situation.")
    )
    situation = blocks.RichTextBlock(
        features=["bold", "italic", "ul"],
        label=_("Situation"),
        help_text=_("What happens, in a few sentences. Students by initials only."),
    )
    prompt = blocks.TextBlock(
        label=_("Question for the reader"),
        help_text=_("A question for the reader to think about."),
    )

    class Meta:
        icon = "openquote"
        template = "components/blocks/scenario_block.html"
        preview_value = {
            "title": "The noisy transition",
            "situation": "<p>Two adults use two different cues for the same transition.</p>",
            "prompt": "Which cue would you agree on, and who tells the class?",
        }


MODULE_BODY_BLOCKS = [
    (
        "text",
        blocks.RichTextBlock(
            features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
            preview_value="<p>Short paragraphs in plain words read well on a phone.</p>",
        ),
    ),
    ("callout", CalloutBlock()),
    ("roles_table", RolesTableBlock()),
    ("dos_donts", DosDontsBlock()),
    ("research_note", ResearchNoteBlock()),
    ("scenario", ScenarioBlock()),
    ("image", ImageBlock()),
    ("video", EmbedBlock(icon="media", max_width=800)),
]

# Quiz -----------------------------------------------------------------------


class AnswerChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(
        max_length=300, label=_("Choice"), help_text=_("What the learner reads as this choice.")
    )
    correct = blocks.BooleanBlock(
        required=False, label=_("Correct"), help_text=_("Tick if this choice is a right answer.")
    )
    feedback = blocks.TextBlock(
        label=_("Feedback for this choice"),
        help_text=_("Shown to a learner who picked this choice."),
    )
    # Choices are shuffled for each attempt; "None of the above" stays where it is.
    pinned = blocks.BooleanBlock(
        required=False,
        label=_("Keep in place"),
        help_text=_("Show this choice in the same place every time, as for 'None of the above'."),
    )

    class Meta:
        icon = "radio-full"


class QuestionBlock(blocks.StructBlock):
    """What every question has: a prompt and an explanation shown after answering."""

    prompt = blocks.TextBlock(
        label=_("Question"),
        help_text=_("The question or statement, as the learner reads it."),
    )
    explanation = blocks.TextBlock(
        label=_("Explanation"), help_text=_("Shown after the learner answers.")
    )
    # A scenario item puts a short situation in the prompt and asks for a decision;
    # the curriculum lint counts them (courses/curriculum/README.md, "Scenario items").
    scenario = blocks.BooleanBlock(
        required=False,
        label=_("Scenario item"),
        help_text=_("Tick if the prompt describes a situation and asks what to do."),
    )

    class Meta:
        template = "components/blocks/question_block.html"


def two_empty_choices() -> list:
    """A new question opens with the two choices it needs at least, so the editor
    is not told "The minimum number of items is 2" before typing anything."""
    return [AnswerChoiceBlock().get_default(), AnswerChoiceBlock().get_default()]


class ChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(
        AnswerChoiceBlock(),
        min_num=2,
        default=two_empty_choices,
        label=_("Choices"),
        help_text=_("At least two, in any order: each attempt shows them shuffled."),
    )

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        if correct < self.meta.min_correct or (
            self.meta.max_correct and correct > self.meta.max_correct
        ):
            raise StructBlockValidationError(
                block_errors={"choices": ValidationError(self.meta.correct_count_message)}
            )
        return value

    class Meta:
        min_correct = 1
        max_correct = None
        correct_count_message = _("Mark at least one choice as correct.")


class SingleChoiceQuestionBlock(ChoiceQuestionBlock):
    class Meta:
        icon = "radio-full"
        label = _("Single choice")
        min_correct = 1
        max_correct = 1
        correct_count_message = _("Mark exactly one choice as correct.")
        preview_value = {
            "prompt": "Who decides which data to collect?",
            "choices": [
                {"text": "The special educator", "correct": True, "feedback": "Yes."},
                {"text": "The para", "correct": False, "feedback": "The para records it."},
            ],
            "explanation": "The special educator designs the tools; the para uses them.",
        }


class MultipleSelectQuestionBlock(ChoiceQuestionBlock):
    class Meta:
        icon = "tasks"
        label = _("Multiple select")
        min_correct = 1
        max_correct = None
        correct_count_message = _("Mark at least one choice as correct.")
        preview_value = {
            "prompt": "Which belong in the weekly plan?",
            "choices": [
                {"text": "Priority goals", "correct": True, "feedback": "Yes."},
                {"text": "A data collection plan", "correct": True, "feedback": "Yes."},
                {"text": "Students' full names", "correct": False, "feedback": "Initials only."},
            ],
            "explanation": "The plan holds goals and methods, and students only by initials.",
        }


class TrueFalseQuestionBlock(QuestionBlock):
    answer = blocks.BooleanBlock(
        required=False, label=_("True"), help_text=_("Tick if the statement is true.")
    )
    feedback_true = blocks.TextBlock(
        label=_("Feedback if they answer “True”"),
        help_text=_("Shown to a learner who answered true."),
    )
    feedback_false = blocks.TextBlock(
        label=_("Feedback if they answer “False”"),
        help_text=_("Shown to a learner who answered false."),
    )

    class Meta:
        icon = "tick-inverse"
        label = _("True or false")
        preview_value = {
            "prompt": "A para may change a lesson plan on the spot if students seem bored.",
            "answer": False,
            "feedback_true": "Changes to the plan go through the special educator.",
            "feedback_false": "Right: raise it with the special educator instead.",
            "explanation": "Program changes are the special educator's call.",
        }


class WhoDoesThisQuestionBlock(QuestionBlock):
    """A task from the role table, placed with the special educator, the para, or both."""

    answer = blocks.ChoiceBlock(
        choices=WhoDoesThisAnswer.choices,
        label=_("Right answer"),
        help_text=_("Who does this task, as the role table says."),
    )
    feedback_teacher = blocks.TextBlock(
        label=_("Feedback if they answer “Special educator”"),
        help_text=_("Shown to a learner who chose the special educator."),
    )
    feedback_para = blocks.TextBlock(
        label=_("Feedback if they answer “Para”"),
        help_text=_("Shown to a learner who chose the para."),
    )
    feedback_both = blocks.TextBlock(
        label=_("Feedback if they answer “Both”"),
        help_text=_("Shown to a learner who chose both."),
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["answer_labels"] = WhoDoesThisAnswer.labels
        return context

    class Meta:
        icon = "group"
        label = _("Who does this?")
        preview_value = {
            "prompt": "Records behavior data during the lesson on the sheet provided.",
            "answer": WhoDoesThisAnswer.PARA,
            "feedback_teacher": "The special educator designs the sheet; recording is the para's.",
            "feedback_para": "Yes: accurately and promptly.",
            "feedback_both": "The special educator designs it; the para records.",
            "explanation": "The teacher decides what to collect; the para records it.",
        }


QUIZ_BLOCKS = [
    ("single_choice", SingleChoiceQuestionBlock()),
    ("multiple_select", MultipleSelectQuestionBlock()),
    ("true_false", TrueFalseQuestionBlock()),
    ("who_does_this", WhoDoesThisQuestionBlock()),
]

# Pre-check ("What do you already know?") ----------------------------------------
#
# Up to three questions a learner may answer before reading the module. They count
# for nothing (passing, completion, eligibility); each names the quiz question that
# checks the same idea, so the result page can show what changed. They are quiz
# questions in every other way, so grading reads them with the same code, under the
# same block names.


def _same_idea_block() -> blocks.IntegerBlock:
    return blocks.IntegerBlock(
        min_value=1,
        label=_("Same idea as quiz question"),
        help_text=_(
            "The number of the quiz question (1 for the first) that checks the same idea. "
            "The quiz result compares the two."
        ),
    )


class PreCheckSingleChoiceBlock(SingleChoiceQuestionBlock):
    scenario = None  # scenario items are a quiz rule; a pre-check has none
    quiz_question = _same_idea_block()


class PreCheckMultipleSelectBlock(MultipleSelectQuestionBlock):
    scenario = None
    quiz_question = _same_idea_block()


class PreCheckTrueFalseBlock(TrueFalseQuestionBlock):
    scenario = None
    quiz_question = _same_idea_block()


class PreCheckWhoDoesThisBlock(WhoDoesThisQuestionBlock):
    scenario = None
    quiz_question = _same_idea_block()


PRECHECK_ITEMS = 3
PRECHECK_BLOCKS = [
    ("single_choice", PreCheckSingleChoiceBlock()),
    ("multiple_select", PreCheckMultipleSelectBlock()),
    ("true_false", PreCheckTrueFalseBlock()),
    ("who_does_this", PreCheckWhoDoesThisBlock()),
]

# Try-tomorrow actions --------------------------------------------------------

# An action has none, or two to five: the module's actions and those a pair writes.
LOOK_FORS = (2, 5)
LOOK_FOR_MAX_LENGTH = 160


class TryTomorrowBlock(blocks.StructBlock):
    text = blocks.TextBlock(
        label=_("What to do"),
        help_text=_("One small step the pair can take tomorrow, starting with a verb."),
    )
    who = blocks.ChoiceBlock(
        choices=ActionWho.choices,
        default=ActionWho.TOGETHER,
        label=_("Who does it"),
        help_text=_("Both partners confirm it either way."),
    )
    records_data = blocks.BooleanBlock(
        required=False,
        label=_("Keep a note"),
        help_text=_("Ask the pair to note what happened and whether it helped."),
    )
    # What the teacher ticks when she confirms the para carried the action out, so
    # her feedback names steps she saw rather than a general impression.
    look_fors = blocks.ListBlock(
        blocks.CharBlock(
            max_length=LOOK_FOR_MAX_LENGTH,
            label=_("Look-for"),
            help_text=_("One step someone watching could see, e.g. “Offers the card early”."),
        ),
        max_num=LOOK_FORS[1],
        default=list,
        label=_("Look-fors"),
        help_text=_(
            "Optional: two to five observable steps that doing this well looks like. "
            "The teacher ticks the ones she saw."
        ),
    )

    def clean(self, value):
        # Checked before the list's own limit so one item and six get the same reason.
        count = len(value.get("look_fors") or [])
        if count and not LOOK_FORS[0] <= count <= LOOK_FORS[1]:
            raise StructBlockValidationError(
                block_errors={
                    "look_fors": ValidationError(
                        _("Write two to five look-fors, or none (this action has %(count)s)."),
                        params={"count": count},
                        code="look_fors",
                    )
                }
            )
        return super().clean(value)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        who = value["who"]
        context["who_label"] = ActionWho(who).label if who in ActionWho.values else ""
        return context

    class Meta:
        icon = "date"
        template = "components/blocks/try_tomorrow_block.html"
        preview_value = {
            "text": "Meet for five minutes before the first bell and agree on one priority.",
            "who": ActionWho.TOGETHER,
            "records_data": False,
            "look_fors": [
                "Both name the same priority before students arrive.",
                "The para repeats the priority back in their own words.",
            ],
        }


ACTION_BLOCKS = [("try_tomorrow", TryTomorrowBlock())]

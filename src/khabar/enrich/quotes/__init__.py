"""Direct quotes in Arabic news paragraphs and who said them.

``find_quotes(paragraph)`` returns the real quotations of a paragraph (the text inside the quote marks)
with their speaker, as written, when the paragraph names one:

* **Quote marks.** ``«…»``; curly ``“…”`` and the reversed ``”…“`` of Saudi sites (curly marks are paired
  as toggles, like straight ``"``, with a light opener/closer test on the neighbouring characters);
  nested pairs are reported as part of the outer quote, straight ones too when the marks' shape shows it
  (``"… ب " العملية السياسية" التي …"``). An opening mark left unclosed at the end of the paragraph is a
  quote to the end when it is introduced (``أن "…``, ``: «…``).
* **Real quotes only.** A span is a quotation when it has ≥ 4 words, or when a colon introduces it (not a
  list: ``مثل: «…»``); never right after a title word (``بعنوان``, ``شعار``, ``صحيفة``, ``محطة``, ``المدعو``
  …), a clitic glued to the mark (``لـ"عين اليوم"``, ``بـ«المقبولة»``), or between a verb and its أن
  (``أعلنت "الشركة …" أن``). A 2-3 word span is a quote only when marked as someone's words: followed by
  ``حسب تعبيره``, right after a shout (``صاح "يا ساتر"``), or a verb phrase after قد / a prepositional
  phrase inside a reported complement (``أن القضية قد "تمت تسويتها تماما"``, ``«في الأسابيع المقبلة»``).
  Short names, terms and scare quotes are thus skipped.
* **Speakers.** The nearest attribution before the quote in its sentence: a reporting verb (قال، صرح، أعلن،
  أكد، أضاف، أوضح، أشار، ذكر، شدد، لفت، اعتبر، رأى، كشف، تابع، أفاد، روى، نقل، صاح … with و/ف, ت/وا/ن/ا
  and present forms يقول/تقول …; not when negated: ``لم يذكر``) followed by its subject (VSO) up to a stop
  (أن/إن/بأن/أنه, ``:``, a quote mark, time words, ``في بيان``/``خلال``/``عبر``, ``لـ`` + addressee, relative
  pronouns, an object with a possessive suffix ``تصريحاته``/``شكره``, what is sent ``برقية``/``الشكر``, في
  after a name ``خلفان في سلسلة`` …), or preceded by it (SVO: ``روحاني قال:``, ``كان المعلق يقول``, ``وكان
  الناقد قد ذكر``, ``أبو زيد الذي أشار`` when the relative agrees and has no resumptive pronoun: ``الدول
  التي قال إنها`` is an object); or بحسب/حسب/حسبما/وفق/نقلا عن + source (``بحسب ما أعلنت X`` → X); or
  ``جاء/ورد في X``; or an attribution right after the quote (``«…»، قال الوزير``, ``"…"، حسب البيان``, the
  latter winning over one before it). In ``المتحدث باسم …، غوه جياكون`` the apposition after the comma
  names the person (``غوه جياكون``) unless it starts with a definite title (``الأخت ماريا تيريزا، الراهبة``).
* **Implicit subjects.** A reporting verb with no subject (``وأضاف: «…»``, ``وقال إن "…"``, participles
  ``مضيفا``/``قائلا``, ``حسب قوله``, ``جاء فيها``) takes the subject of the last reporting verb named
  before it in the paragraph (a حسب-source only when no verb named anybody), else the nearest agent: the
  subject of a clause-initial narrative verb (``رفض تونر …``, ``وعبر مدير المنتخب خالد مطر عن …``,
  ``بعث الأمير … برقية``) or a sentence opening on a title (``والمحامي عبد الله، …``); else ``None``.
  ``find_quotes_in_article(paragraphs)`` carries, for those quotes, whoever the previous paragraph left
  speaking (quote marks or not), else the last quote's speaker (offsets ``None``: the name is elsewhere).

Layout: ``lexicon`` (the word lists and the patterns built from them), ``marks`` (pairing the marks into
quoted spans, telling real quotations from names and scare quotes), ``attribution`` (speakers, and the
functions above). Pure ``re`` on precompiled patterns (the verb lists factored into letter tries), no model: ~0.04 ms for an
average news paragraph (benchmarks/quotes.py).
"""

from khabar.enrich.quotes.attribution import QuoteMatch, find_quotes, find_quotes_in_article

__all__ = ["QuoteMatch", "find_quotes", "find_quotes_in_article"]

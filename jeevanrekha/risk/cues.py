"""Cues: the phrases that raise or lower a post's risk, with character spans, for the desk.

Each cue kind is one compiled pattern over the cleaned post (`text.clean`), in Latin letters
(Hinglish spellings and English) and in Devanagari. Cues are features of the model too (their
counts), and the desk sees them as the reasons behind a score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Latin word boundaries that also work next to Devanagari and emojis.
_B, _E = r"(?<![a-z])", r"(?![a-z])"


def _latin(*words: str) -> str:
    return _B + "(?:" + "|".join(words) + ")" + _E


def _deva(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


_DIE = r"m(?:a|e)r(?:na|ne|nu|jau|jaun|jaaun|jaunga|jaungi|ja+ungi?|\s?ja+(?:u|un|oon|ungi?|yen))"
_SELF = r"(?:khud|apne\s?aap|apni\s?jaan|myself|my\s?self|my\s?life)"

KINDS: dict[str, tuple[str, str]] = {
    # kind: (effect, pattern)
    "suicide": (
        "raised",
        "|".join(
            (
                _latin(
                    r"su+i?c+i?de?s?",
                    r"sucide",
                    r"suside",
                    r"kh?ud\s?kh?u+s+h?i",
                    r"kh?ud\s?kh?u+shi",
                    r"a+tma?\s?hatya",
                    r"kill(?:ing)?\s" + _SELF,
                    r"end(?:ing)?\s(?:my|it\sall)",
                    r"take\smy\s(?:own\s)?life",
                    r"jaan\sd(?:e|u|oo|ena|unga|ungi|edu)\w*",
                    r"kh?ud\sko\s(?:khatm|khatam|khtm|mar|hurt|khtam)\w*",
                    r"want\sto\sdie",
                    r"wanna\sdie",
                    r"life\send",
                    r"self\s?harm",
                ),
                _deva(
                    r"आत्महत्या",
                    r"खुदकुशी",
                    r"ख़ुदकुशी",
                    r"सुसाइड",
                    r"जान\sदे",
                    r"खुद\sको\sखत्म",
                    r"अपने\sआप\sको\sखत्म",
                    r"अपनी\sजान",
                    r"खुद\sको\sनुकसान",
                ),
            )
        ),
    ),
    "wish_to_die": (
        "raised",
        "|".join(
            (
                _latin(
                    r"(?:mai|main|mein|me|mujhe|mje|muje)?\s?" + _DIE,
                    r"mar\sjana",
                    r"mar\sjaana",
                    r"marne\s(?:ka|ki|ke)",
                    r"mrne\s(?:ka|ki|ke)",
                    r"mr\sjau",
                    r"(?:jeene|jine|jeena|jina|jiyu)\s(?:ka|ki|ke)?\s?(?:mann|man|mn|ichha|wajah|matlab)?"
                    r"\s?(?:nahi|nhi|ni|nai)",
                    r"jeena\snahi",
                    r"nahi\sjeena",
                    r"ni\sjina",
                    r"nhi\sjina",
                    r"zinda\snahi\srehna",
                    r"(?:utha|bula)\s(?:le|lo)",
                    r"wish\si\swas\sdead",
                    r"better\soff\sdead",
                    r"don'?t\swant\sto\s(?:live|be\salive|exist)",
                ),
                _deva(
                    r"मर\sजाऊं",
                    r"मर\sजाना",
                    r"मरना\sचाह",
                    r"मरने\sका",
                    r"जीने\sका\sमन\sनहीं",
                    r"नहीं\sजीना",
                    r"जीना\sनहीं",
                    r"ज़िंदा\sनहीं\sरहना",
                    r"उठा\sले",
                    r"बुला\sले",
                    r"जीने\sकी\s(?:कोई\s)?(?:वजह|इच्छा)",
                    r"मौत\sही",
                ),
            )
        ),
    ),
    "method": (
        "raised",
        "|".join(
            (
                _latin(
                    r"(?:neend|nind|sleeping)\s?(?:ki\s)?(?:goli|pill)\w*",
                    r"goliy?a+n?",
                    r"goli\w*",
                    r"pills?",
                    r"tablets?",
                    r"overdose\w*",
                    r"zeh?e?r",
                    r"zah?a?r",
                    r"jeh?e?r",
                    r"jahar",
                    r"zhr",
                    r"poison\w*",
                    r"ch(?:o|oo|u)ha\s?m(?:a|aa)r",
                    r"keet\s?nashak",
                    r"pesticide",
                    r"ras+i",
                    r"rope",
                    r"noose",
                    r"fa+n?d(?:a|e)",
                    r"ph?a+n?si",
                    r"f(?:a|aa)nsi",
                    r"fa+si",
                    r"latak\w*",
                    r"hang(?:ing)?",
                    r"blade",
                    r"nas\skaat\w*",
                    r"nas\s?kat\w*",
                    r"cut(?:ting)?\smy",
                    r"wrists?",
                    r"kood\w*",
                    r"kud\w*",
                    r"chh?al+ang",
                    r"jump\w*",
                    r"bridge",
                    r"pul\s(?:pe|par|se)",
                    r"(?:railway\s)?track",
                    r"train\sk(?:e|i)\s(?:aage|samne)",
                    r"chh?at\s(?:se|pe|par)",
                    r"gun",
                    r"revolver",
                    r"pistol",
                    r"gas\s(?:khol|cylinder)",
                    r"knife",
                    r"razor",
                    r"bleach",
                    r"tylenol",
                    r"ibuprofen",
                    r"acetaminophen",
                    r"paracetamol",
                    r"carbon\smonoxide",
                    r"cliff",
                    r"shoot\smyself",
                    r"hang\smyself",
                    r"jump\soff",
                    r"in\sfront\sof\sa\s(?:train|car|truck|bus)",
                    r"meds",
                    r"medication",
                ),
                _deva(
                    r"नींद\sकी\sगोलि",
                    r"गोलियां",
                    r"गोली",
                    r"ज़हर",
                    r"जहर",
                    r"चूहे\sमार",
                    r"कीटनाशक",
                    r"रस्सी",
                    r"फंदा",
                    r"फांसी",
                    r"लटक",
                    r"ब्लेड",
                    r"नस\sकाट",
                    r"कूद",
                    r"छलांग",
                    r"पुल",
                    r"पटरी",
                    r"ट्रैक",
                    r"ट्रेन\sके\sआगे",
                    r"छत\s(?:से|पर)",
                    r"बंदूक",
                    r"रिवॉल्वर",
                    r"गैस",
                ),
                "[\U0001faa2\U0001f48a\U0001f52a\U0001fa78\u26b0\U0001f52b]",
            )
        ),
    ),
    "plan": (
        "raised",
        "|".join(
            (
                _latin(
                    r"plan\w*",
                    r"tay\skar",
                    r"decide\w*",
                    r"suicide\snote",
                    r"note\slikh\w*",
                    r"letters?\slikh\w*",
                    r"jama\skar",
                    r"jma\skr",
                    r"ikk?atth?i",
                    r"khareed\w*",
                    r"kharid\w*",
                    r"bought",
                    r"tareek?a",
                    r"tarika",
                    r"date\sfix",
                    r"ready",
                    r"baant\sdi",
                    r"de\sdiya\shai",
                    r"last\stime",
                    r"search\skiya",
                    r"google\skar\w*",
                    r"kitni\s(?:goli|pills|uchai)\w*",
                    r"(?:suicide\s)?note",
                    r"going\sto\s(?:do|kill|end)",
                    r"giving\saway",
                    r"gave\saway",
                    r"stockpil\w*",
                    r"saving\sup",
                    r"research\w*",
                    r"how\smany\s(?:pills|mg)",
                    r"will\s(?:kill|end)\smyself",
                    r"this\s(?:weekend|week)",
                    r"(?:my|a)\swill",
                    r"method",
                ),
                _deva(
                    r"योजना",
                    r"प्लान",
                    r"तय\sकर",
                    r"सुसाइड\sनोट",
                    r"चिट्ठी",
                    r"जमा\sकर",
                    r"इकट्ठ",
                    r"खरीद",
                    r"ख़रीद",
                    r"तरीका",
                    r"तारीख़\sतय",
                    r"बांट\sदी",
                    r"कितनी\s(?:गोलि|ऊंचाई)",
                ),
            )
        ),
    ),
    "time": (
        "raised",
        "|".join(
            (
                _latin(
                    r"aaj\s?raat?",
                    r"aj\s?raat?",
                    r"aaj",
                    r"abhi",
                    r"tonight",
                    r"today",
                    r"right\snow",
                    r"now",
                    r"kuch\sder",
                    r"10\sminute",
                    r"bas\sab",
                    r"kal\ssubah\stak",
                    r"this\sevening",
                    r"raat\s(?:ko|12|2|11)",
                    r"ab\s(?:mai|main)",
                ),
                _deva(r"आज\sरात", r"आज", r"अभी", r"कुछ\sदेर", r"दस\sमिनट", r"बस\sअब", r"कल\sसुबह\sतक"),
            )
        ),
    ),
    "goodbye": (
        "raised",
        "|".join(
            (
                _latin(
                    r"alvida",
                    r"alwida",
                    r"good\s?bye",
                    r"bye\s(?:sab|sb|sabko|everyone|duniya)",
                    r"last\s(?:post|msg|message|video|status|selfie)",
                    r"aakh?ri\s(?:post|baar|din|msg|"
                    r"message|salaam|salam|namaste|status|video|selfie|faisla)",
                    r"akhri",
                    r"final\sgoodbye",
                    r"maaf\skar(?:na|dena|\sdena)",
                    r"sorry\s(?:maa|mummy|mumma|papa|sabko|sab)",
                    r"(?:hamesha|hmesha)\ske\sliye",
                    r"nahi\srahunga",
                    r"nahi\srahungi",
                    r"nhi\srahunga",
                    r"ni\smilunga",
                    r"nahi\smilenge",
                    r"mujhe\s(?:mat\s)?(?:dhundhna|dhoondhna|dhundna)\smat?",
                ),
                _deva(
                    r"अलविदा",
                    r"आखिरी",
                    r"आख़िरी",
                    r"माफ़\sकर",
                    r"माफ\sकर",
                    r"सॉरी\s(?:मां|मम्मी|पापा)",
                    r"हमेशा\sके\sलिए",
                    r"नहीं\sरहूंग",
                    r"नहीं\sमिलेंगे",
                    r"मुझे\s(?:मत\s)?ढूंढना",
                ),
                "\U0001f44b",
            )
        ),
    ),
    "act": (
        "raised",
        "|".join(
            (
                _latin(
                    r"(?:kha|khaa|pee|pi|kaat|kat|le)\s(?:li|liya|lee|liye|li\shai|liya\shai|lin|di)",
                    r"chh?od\s(?:raha|rahi|rha|diya)",
                    r"railing",
                    r"ja\schuk(?:a|i)",
                    r"body\s.{0,20}milega",
                    r"laash",
                    r"bandh\s(?:di|li)",
                    r"khol\sdi",
                    r"khada\shu",
                    r"khadi\shu",
                    r"baitha\shu",
                    r"(?:live|fb\slive)\s(?:hu|aa|aata)",
                    r"took\s(?:all|the|\d+)",
                    r"swallowed",
                    r"i'?ve\staken",
                    r"(?:on|at)\sthe\s(?:bridge|roof|edge|tracks?)",
                    r"kood\s?(?:raha|rahi|rha)",
                    r"kud\s?(?:raha|rahi|rha)",
                    r"ja\s(?:raha|rahi)\shu",
                ),
                _deva(
                    r"खा\sली",
                    r"खा\sलीं",
                    r"खा\sलिए",
                    r"छोड़\sरह",
                    r"रेलिंग",
                    r"जा\sचुक",
                    r"मेरी\sलाश",
                    r"पी\sली",
                    r"पी\sलिया",
                    r"काट\sली",
                    r"काट\sदी",
                    r"काट\sलिया",
                    r"बांध\sदी",
                    r"खोल\sदी",
                    r"खड़ा\sहूं",
                    r"खड़ी\sहूं",
                    r"बैठा\sहूं",
                    r"लाइव",
                    r"कूद\sरहा",
                    r"जा\sरहा\sहूं",
                    r"जा\sरही\sहूं",
                ),
            )
        ),
    ),
    "attempt": (
        "raised",
        "|".join(
            (
                _latin(
                    r"attempt(?:ed|s)?",
                    r"tried\sto\s(?:kill|end|overdose|hang|die)",
                    r"overdos(?:ed|ing)",
                    r"od'?d",
                    r"(?:slit|cut)\smy\s(?:wrists?|arms?|throat)",
                    r"psych\s?ward",
                    r"hospitali[sz]ed",
                    r"stomach\spumped",
                    r"woke\sup\s(?:in|after)",
                    r"survived",
                    r"failed\sattempt",
                    r"i\s(?:took|swallowed)",
                    r"last\sattempt",
                    r"pichli\sbaar\sbach",
                    r"try\skiya\stha",
                ),
                _deva(r"कोशिश\sकी\sथी", r"पिछली\sबार\sबच"),
            )
        ),
    ),
    "distress": (
        "raised",
        "|".join(
            (
                _latin(
                    r"akel\w*",
                    r"alone",
                    r"lonely",
                    r"depress\w*",
                    r"udaas\w*",
                    r"udas",
                    r"ro\s?(?:ta|ti)",
                    r"rona",
                    r"thak\s?(?:gaya|gayi|gya|gyi|chuka)",
                    r"hopeless",
                    r"worthless",
                    r"bojh",
                    r"burden",
                    r"toot\w*",
                    r"pareshan",
                    r"anxiety",
                    r"panic",
                    r"dard",
                    r"tired\sof",
                    r"hate\smy\s(?:life|self)",
                    r"empty",
                ),
                _deva(
                    r"अकेल",
                    r"उदास",
                    r"रोना",
                    r"रोता",
                    r"रोती",
                    r"थक\sगया",
                    r"थक\sगई",
                    r"बोझ",
                    r"टूट",
                    r"परेशान",
                    r"अवसाद",
                    r"डिप्रेशन",
                    r"दर्द",
                    r"घुटन",
                ),
                "[\U0001f494\U0001f62d\U0001f614\U0001f61e\U0001f940]",
            )
        ),
    ),
    "negation": (
        "lowered",
        "|".join(
            (
                _latin(
                    r"(?:kabhi|kbhi)\s(?:nahi|nhi|ni)",
                    r"nahi\skar(?:unga|ungi|\sraha|\srahi)",
                    r"nhi\skr(?:unga|ungi)",
                    r"ni\skrunga",
                    r"nahi\skarne",
                    r"koi\s(?:irada|iraada)\s(?:nahi|nhi)",
                    r"irada\snahi",
                    r"iraada\snahi",
                    r"sawal\shi\snahi",
                    r"option\snahi",
                    r"never\swould",
                    r"not\sgoing\sto",
                    r"won'?t",
                    r"would\snever",
                    r"no\splans?\sto",
                    r"mai\stheek\shu",
                    r"main\stheek\shun",
                    r"theek\shu",
                    r"thik\shu",
                    r"i'?m\s(?:fine|okay|ok)",
                    r"tension\smat",
                    r"fikar\smat",
                    r"chinta\smat",
                    r"(?:jaisa|aisa)\skuch\s(?:nahi|nhi)",
                    r"galat\skadam\snahi",
                    r"hurt\snahi",
                    r"nahi\smaan\w*",
                    r"marne\swal[ia]\snahi",
                ),
                _deva(
                    r"कभी\sनहीं",
                    r"नहीं\sकरूंग",
                    r"नहीं\sकरना",
                    r"कोई\sइरादा\sनहीं",
                    r"इरादा\sनहीं",
                    r"सवाल\sही\sनहीं",
                    r"विकल्प\sनहीं",
                    r"ठीक\sहूं",
                    r"चिंता\sमत",
                    r"फ़िक्र\sमत",
                    r"जैसा\sकुछ\sनहीं",
                    r"ऐसा\sकुछ\sनहीं",
                    r"गलत\sकदम\sनहीं",
                    r"नुकसान\sनहीं",
                    r"नहीं\sमानूंगा",
                    r"मरने\sवाली\sनहीं",
                ),
            )
        ),
    ),
    "hyperbole": (
        "lowered",
        "|".join(
            (
                _latin(
                    r"jk",
                    r"just\skidding",
                    r"kidding",
                    r"mazak",
                    r"mazaak",
                    r"majak",
                    r"mzak",
                    r"lol",
                    r"haha\w*",
                    r"lmao",
                    r"rofl",
                    r"exam",
                    r"paper",
                    r"maths?",
                    r"syllabus",
                    r"assignment\w*",
                    r"homework",
                    r"boss",
                    r"office",
                    r"traffic",
                    r"garmi",
                    r"sardi",
                    r"thand",
                    r"result",
                    r"biryani",
                    r"maggi",
                    r"wifi",
                    r"meme",
                    r"reel",
                    r"match",
                    r"hans\s?hans",
                    r"hasi\sse",
                    r"has\shas",
                    r"meri\skhair",
                    r"jaan\sle\s(?:lega|legi|lenge|lo)",
                    r"dying\sto",
                ),
                _deva(
                    r"मज़ाक",
                    r"मजाक",
                    r"परीक्षा",
                    r"पेपर",
                    r"गणित",
                    r"सिलेबस",
                    r"असाइनमेंट",
                    r"होमवर्क",
                    r"बॉस",
                    r"ऑफिस",
                    r"दफ़्तर",
                    r"ट्रैफिक",
                    r"गर्मी",
                    r"सर्दी",
                    r"ठंड",
                    r"रिजल्ट",
                    r"बिरयानी",
                    r"मीम",
                    r"मैच",
                    r"हंस\sहंस",
                    r"हंसी\sसे",
                    r"मेरी\sखैर",
                    r"जान\sले\s(?:लेगी|लेगा|लो)",
                ),
                "[\U0001f602\U0001f923\U0001f480\U0001f605\U0001f61c\U0001f61d\U0001f643]",
            )
        ),
    ),
    "lyrics": (
        "lowered",
        "|".join(
            (
                _latin(
                    r"songs?",
                    r"gaana",
                    r"gaane",
                    r"gana",
                    r"lyrics?",
                    r"shayari",
                    r"sher",
                    r"playlist",
                    r"radio",
                    r"karaoke",
                    r"kishore",
                    r"arijit",
                    r"lata\sji",
                    r"rafi",
                    r"ghalib",
                    r"movie",
                    r"film",
                    r"series",
                    r"episode",
                    r"scene",
                    r"serial",
                ),
                _deva(
                    r"गाना",
                    r"गाने",
                    r"गीत",
                    r"शायरी",
                    r"शेर",
                    r"प्लेलिस्ट",
                    r"रेडियो",
                    r"कविता",
                    r"ग़ालिब",
                    r"फ़िल्म",
                    r"फिल्म",
                    r"धारावाहिक",
                    r"एपिसोड",
                ),
                "[\U0001f3b6\U0001f3b5\U0001f3a4\U0001f3a7\U0001f3ac]",
            )
        ),
    ),
    "news": (
        "lowered",
        "|".join(
            (
                _latin(
                    r"news",
                    r"khabar",
                    r"breaking",
                    r"report\w*",
                    r"akhbaar",
                    r"akhbar",
                    r"headline",
                    r"ncrb",
                    r"police\sne",
                    r"case\sdarj",
                    r"jaanch",
                    r"shav",
                    r"mritak",
                    r"baramad",
                    r"survey",
                    r"data",
                    r"documentary",
                    r"aankda",
                    r"debate",
                ),
                _deva(
                    r"ख़बर",
                    r"खबर",
                    r"समाचार",
                    r"अखबार",
                    r"सुर्ख़ी",
                    r"रिपोर्ट",
                    r"पुलिस\sने",
                    r"मामला\sदर्ज",
                    r"मुकदमा",
                    r"जांच",
                    r"शव",
                    r"मृतक",
                    r"बरामद",
                    r"आंकड़",
                    r"सर्वे",
                    r"दैनिक",
                    r"बहस",
                    r"डॉक्यूमेंट्री",
                ),
            )
        ),
    ),
    "third_person": (
        "lowered",
        "|".join(
            (
                _latin(
                    r"usne",
                    r"unhone",
                    r"uski",
                    r"uske",
                    r"uska",
                    r"(?:dost|cousin|bhai|padosi|"
                    r"saheli|chacha|mamaji|roommate)\sne",
                    r"ek\s(?:ladka|ladki|aadmi|vyakti|kisan|"
                    r"student|chhatra|mahila|yuvak)",
                    r"kisan\w*",
                    r"students",
                    r"log\s(?:suicide|"
                    r"khudkushi)",
                    r"barsi",
                    r"(?:he|she|they)\s(?:killed|died|committed)",
                ),
                _deva(
                    r"उसने",
                    r"उन्होंने",
                    r"उसकी",
                    r"उसके",
                    r"(?:दोस्त|भाई|चचेरे\sभाई|सहेली|चाचा)\sने",
                    r"एक\s(?:लड़के|लड़की|आदमी|व्यक्ति|किसान|छात्र|महिला|युवक)",
                    r"किसान",
                    r"छात्रों",
                    r"बरसी",
                    r"लोग\sआत्महत्या",
                ),
            )
        ),
    ),
    "awareness": (
        "lowered",
        "|".join(
            (
                _latin(
                    r"helpline",
                    r"14416",
                    r"tele[\s-]?manas",
                    r"kiran",
                    r"prevention",
                    r"awareness",
                    r"campaign",
                    r"workshop",
                    r"counsel+or",
                    r"therapy",
                    r"therapist",
                    r"madad\s(?:lo|lein|"
                    r"maango|lijiye)",
                    r"baat\skaro",
                    r"mental\shealth",
                    r"warning\ssigns",
                    r"ngo",
                    r"volunteer",
                    r"survivor",
                    r"gatekeeper",
                    r"solution\snahi",
                    r"#\w+",
                ),
                _deva(
                    r"हेल्पलाइन",
                    r"टेली[\s-]?मानस",
                    r"रोकथाम",
                    r"अभियान",
                    r"कार्यशाला",
                    r"परामर्श",
                    r"थेरेपी",
                    r"मदद\s(?:लें|लीजिए|मांग)",
                    r"बात\sकी(?:जिए|िए)",
                    r"मानसिक\sस्वास्थ्य",
                    r"चेतावनी\sसंकेत",
                    r"समाधान\sनहीं",
                ),
            )
        ),
    ),
    "past": (
        "lowered",
        "|".join(
            (
                _latin(
                    r"(?:saal|sal|years?|mahine)\s(?:pehle|pahle|ago)",
                    r"ek\s(?:time|samay)\stha",
                    r"used\sto",
                    r"recover\w*",
                    r"ab\s(?:theek|thik|better)",
                    r"pichle\ssaal",
                    r"tha\s(?:kabhi|tab)",
                    r"aate\sthe",
                ),
                _deva(r"साल\sपहले", r"एक\sसमय\sथा", r"पिछले\sसाल", r"अब\sठीक", r"आते\sथे"),
            )
        ),
    ),
}

PATTERNS: dict[str, re.Pattern[str]] = {
    kind: re.compile(pattern) for kind, (_effect, pattern) in KINDS.items()
}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def lower(text: str) -> str:
    """ASCII lower-casing only, so that every character keeps its offset."""
    return text.translate(_ASCII_LOWER)


EFFECTS: dict[str, str] = {kind: effect for kind, (effect, _pattern) in KINDS.items()}
CUE_KINDS: tuple[str, ...] = tuple(KINDS)
IMMINENCE_KINDS = frozenset({"time", "goodbye", "act"})


@dataclass(frozen=True, slots=True)
class Cue:
    """A phrase in the post and why it moved the risk: `text[start:end]`, kind, raised/lowered."""

    start: int
    end: int
    kind: str
    effect: str


def find_cues(text: str, limit: int = 64) -> list[Cue]:
    """All cues in `text` (already cleaned), ordered by position, at most `limit`."""
    cues: list[Cue] = []
    text = lower(text)
    for kind, pattern in PATTERNS.items():
        effect = EFFECTS[kind]
        for match in pattern.finditer(text):
            if match.end() > match.start():
                cues.append(Cue(match.start(), match.end(), kind, effect))
                if len(cues) >= limit * 4:
                    break
    cues.sort(key=lambda c: (c.start, c.end))
    return cues[:limit]


def cue_counts(text: str) -> list[int]:
    """How many times each cue kind occurs in `text` (cleaned), in `CUE_KINDS` order."""
    text = lower(text)
    return [sum(1 for _ in PATTERNS[kind].finditer(text)) for kind in CUE_KINDS]

"""The project's own hand-curated names: UP districts, states, big cities and landmarks.

Official (LGD) names come first, then Devanagari forms, old names and the spellings people
type. Names that belong to more than one district (Akbarpur, Lakhimpur ...) are left out
on purpose: the gazetteer's place index reports them as ambiguous instead.
"""

from __future__ import annotations

HOME_STATE_DEFAULT = "Uttar Pradesh"

# canonical name -> other names (Devanagari and Latin variants, old names)
UP_DISTRICTS: dict[str, tuple[str, ...]] = {
    "Agra": ("आगरा", "agra"),
    "Aligarh": ("अलीगढ़", "अलीगढ", "aligadh", "koil"),
    "Ambedkar Nagar": ("अम्बेडकर नगर", "अंबेडकर नगर", "ambedkarnagar"),
    "Amethi": ("अमेठी", "chhatrapati shahuji maharaj nagar", "csm nagar"),
    "Amroha": ("अमरोहा", "jyotiba phule nagar", "jp nagar", "j p nagar"),
    "Auraiya": ("औरैया", "auraiyya"),
    "Ayodhya": ("अयोध्या", "फ़ैज़ाबाद", "फैजाबाद", "faizabad", "ayodhya dham"),
    "Azamgarh": ("आज़मगढ़", "आजमगढ़", "आजमगढ", "azamgadh"),
    "Baghpat": ("बागपत", "bagpat"),
    "Bahraich": ("बहराइच", "behraich"),
    "Ballia": ("बलिया", "baliya"),
    "Balrampur": ("बलरामपुर",),
    "Banda": ("बांदा", "बाँदा"),
    "Barabanki": ("बाराबंकी", "bara banki"),
    "Bareilly": ("बरेली", "bareli", "barely"),
    "Basti": ("बस्ती",),
    "Bhadohi": ("भदोही", "sant ravidas nagar", "संत रविदास नगर", "sant ravidas nagar bhadohi"),
    "Bijnor": ("बिजनौर", "bijnaur"),
    "Budaun": ("बदायूं", "बदायूँ", "badaun", "badayun"),
    "Bulandshahr": ("बुलंदशहर", "bulandshahar", "bulandsahar"),
    "Chandauli": ("चंदौली", "चन्दौली"),
    "Chitrakoot": ("चित्रकूट", "chitrakut", "karwi"),
    "Deoria": ("देवरिया", "devariya", "deoriya"),
    "Etah": ("एटा",),
    "Etawah": ("इटावा", "etawa", "itawa"),
    "Farrukhabad": ("फ़र्रुख़ाबाद", "फर्रुखाबाद", "farukhabad", "fatehgarh"),
    "Fatehpur": ("फ़तेहपुर", "फतेहपुर"),
    "Firozabad": ("फ़िरोज़ाबाद", "फिरोजाबाद", "ferozabad"),
    "Gautam Buddha Nagar": (
        "गौतम बुद्ध नगर",
        "गौतमबुद्ध नगर",
        "नोएडा",
        "नोयडा",
        "ग्रेटर नोएडा",
        "noida",
        "greater noida",
        "gb nagar",
        "g b nagar",
        "gautam budh nagar",
        "gautambudh nagar",
    ),
    "Ghaziabad": ("गाज़ियाबाद", "गाजियाबाद", "gaziabad", "ghaziabaad"),
    "Ghazipur": ("ग़ाज़ीपुर", "गाजीपुर", "gazipur"),
    "Gonda": ("गोंडा", "गोण्डा"),
    "Gorakhpur": ("गोरखपुर", "gorakpur"),
    "Hamirpur": ("हमीरपुर",),
    "Hapur": ("हापुड़", "हापुड", "panchsheel nagar"),
    "Hardoi": ("हरदोई",),
    "Hathras": ("हाथरस", "mahamaya nagar"),
    "Jalaun": ("जालौन", "उरई", "orai"),
    "Jaunpur": ("जौनपुर",),
    "Jhansi": ("झाँसी", "झांसी"),
    "Kannauj": ("कन्नौज", "kanauj", "kannoj"),
    "Kanpur Dehat": ("कानपुर देहात", "ramabai nagar", "kanpur rural", "mati"),
    "Kanpur Nagar": ("कानपुर नगर", "कानपुर", "kanpur", "cawnpore", "kanpur city"),
    "Kasganj": ("कासगंज", "kanshiram nagar"),
    "Kaushambi": ("कौशाम्बी", "कौशांबी", "kausambi"),
    "Kheri": ("खीरी", "लखीमपुर खीरी", "lakhimpur kheri", "lakhimpur-kheri"),
    "Kushinagar": ("कुशीनगर", "kushi nagar", "padrauna"),
    "Lalitpur": ("ललितपुर",),
    "Lucknow": ("लखनऊ", "लखनउ", "lakhnau", "lakhnow", "lko", "lucknow city"),
    "Maharajganj": ("महराजगंज", "महाराजगंज", "mahrajganj"),
    "Mahoba": ("महोबा",),
    "Mainpuri": ("मैनपुरी",),
    "Mathura": ("मथुरा", "वृंदावन", "vrindavan", "brindavan"),
    "Mau": ("मऊ", "maunath bhanjan"),
    "Meerut": ("मेरठ", "merath", "meruth"),
    "Mirzapur": ("मिर्ज़ापुर", "मिर्जापुर", "vindhyachal"),
    "Moradabad": ("मुरादाबाद", "muradabad"),
    "Muzaffarnagar": ("मुज़फ़्फ़रनगर", "मुजफ्फरनगर", "muzafarnagar"),
    "Pilibhit": ("पीलीभीत",),
    "Pratapgarh": ("प्रतापगढ़", "प्रतापगढ", "pratapgadh", "bela pratapgarh"),
    "Prayagraj": ("प्रयागराज", "इलाहाबाद", "allahabad", "prayag", "ilahabad", "allahbad"),
    "Rae Bareli": ("रायबरेली", "raebareli", "rae bareilly", "raibareli", "rai bareli"),
    "Rampur": ("रामपुर",),
    "Saharanpur": ("सहारनपुर",),
    "Sambhal": ("संभल", "सम्भल", "bhim nagar"),
    "Sant Kabir Nagar": ("संत कबीर नगर", "sant kabeer nagar", "khalilabad"),
    "Shahjahanpur": ("शाहजहाँपुर", "शाहजहांपुर"),
    "Shamli": ("शामली", "prabuddh nagar"),
    "Shravasti": ("श्रावस्ती", "shrawasti", "sravasti"),
    "Siddharthnagar": ("सिद्धार्थनगर", "सिद्धार्थ नगर", "siddharth nagar"),
    "Sitapur": ("सीतापुर",),
    "Sonbhadra": ("सोनभद्र", "robertsganj", "sonebhadra"),
    "Sultanpur": ("सुल्तानपुर", "सुलतानपुर"),
    "Unnao": ("उन्नाव",),
    "Varanasi": ("वाराणसी", "बनारस", "काशी", "banaras", "benaras", "benares", "kashi"),
}

# States that people name as a city ("Delhi"): a mention is a place, not just a state.
CITY_STATES = frozenset({"Delhi", "Chandigarh"})

# Two-letter state short forms that are not also common words ("ka", "ap", "uk" are left out).
STATE_SHORT = {
    "up": "Uttar Pradesh",
    "mp": "Madhya Pradesh",
    "hp": "Himachal Pradesh",
    "wb": "West Bengal",
    "tn": "Tamil Nadu",
    "jk": "Jammu And Kashmir",
    "cg": "Chhattisgarh",
    "hr": "Haryana",
    "pb": "Punjab",
    "rj": "Rajasthan",
    "gj": "Gujarat",
    "mh": "Maharashtra",
}

# canonical state name -> other names
STATES: dict[str, tuple[str, ...]] = {
    "Uttar Pradesh": ("उत्तर प्रदेश", "उ.प्र.", "u.p.", "uttarpradesh", "up state"),
    "Delhi": ("दिल्ली", "dilli", "new delhi", "नई दिल्ली", "nct of delhi", "delhi ncr"),
    "Bihar": ("बिहार",),
    "Uttarakhand": ("उत्तराखंड", "उत्तराखण्ड", "uttaranchal"),
    "Haryana": ("हरियाणा", "हरयाणा"),
    "Madhya Pradesh": ("मध्य प्रदेश", "मध्यप्रदेश", "madhyapradesh"),
    "Rajasthan": ("राजस्थान",),
    "Maharashtra": ("महाराष्ट्र",),
    "West Bengal": ("पश्चिम बंगाल", "bengal", "paschim banga"),
    "Jharkhand": ("झारखंड", "झारखण्ड"),
    "Chhattisgarh": ("छत्तीसगढ़", "chattisgarh", "chhatisgarh"),
    "Punjab": ("पंजाब",),
    "Himachal Pradesh": ("हिमाचल प्रदेश", "himachal"),
    "Gujarat": ("गुजरात",),
    "Karnataka": ("कर्नाटक",),
    "Tamil Nadu": ("तमिलनाडु", "tamilnadu"),
    "Kerala": ("केरल",),
    "Telangana": ("तेलंगाना",),
    "Andhra Pradesh": ("आंध्र प्रदेश",),
    "Odisha": ("ओडिशा", "orissa"),
    "Assam": ("असम",),
    "Jammu And Kashmir": ("जम्मू कश्मीर", "jammu kashmir", "j&k"),
    "Goa": ("गोवा",),
    "Chandigarh": ("चंडीगढ़",),
    "Nepal": ("नेपाल",),
}

# Districts outside UP renamed since the names people still use: (state, official) -> old names
OTHER_DISTRICTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Maharashtra", "Chhatrapati Sambhaji Nagar"): ("aurangabad", "sambhajinagar"),
    ("Maharashtra", "Dharashiv"): ("osmanabad",),
    ("Maharashtra", "Ahilyanagar"): ("ahmednagar", "ahmadnagar"),
    ("Haryana", "Gurugram"): ("gurgaon",),
    ("Haryana", "Nuh"): ("mewat",),
    ("Madhya Pradesh", "Narmadapuram"): ("hoshangabad",),
    ("Karnataka", "Bengaluru Urban"): ("bangalore", "bengaluru", "bangalore urban"),
    ("Karnataka", "Mysuru"): ("mysore",),
    ("Karnataka", "Belagavi"): ("belgaum",),
    ("Karnataka", "Kalaburagi"): ("gulbarga",),
    ("Uttarakhand", "Haridwar"): ("hardwar",),
    ("Punjab", "Sahibzada Ajit Singh Nagar"): ("mohali", "sas nagar"),
}

# Big cities outside UP that name their district differently: name -> (state, district)
CITIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "Mumbai": ("Maharashtra", "Mumbai", ("मुंबई", "bombay", "bambai")),
    "Kolkata": ("West Bengal", "Kolkata", ("कोलकाता", "calcutta", "kalkatta")),
    "Bengaluru": ("Karnataka", "Bengaluru Urban", ("बेंगलुरु", "bangalore", "banglore")),
    "Chennai": ("Tamil Nadu", "Chennai", ("चेन्नई", "madras")),
    "Hyderabad": ("Telangana", "Hyderabad", ("हैदराबाद",)),
    "Gurugram": ("Haryana", "Gurugram", ("गुरुग्राम", "gurgaon", "गुड़गांव")),
    "Faridabad": ("Haryana", "Faridabad", ("फरीदाबाद",)),
    "Patna": ("Bihar", "Patna", ("पटना",)),
    "Dehradun": ("Uttarakhand", "Dehradun", ("देहरादून", "dehradoon")),
    "Haridwar": ("Uttarakhand", "Haridwar", ("हरिद्वार", "hardwar")),
    "Bhopal": ("Madhya Pradesh", "Bhopal", ("भोपाल",)),
    "Indore": ("Madhya Pradesh", "Indore", ("इंदौर",)),
    "Jaipur": ("Rajasthan", "Jaipur", ("जयपुर",)),
    "Pune": ("Maharashtra", "Pune", ("पुणे", "poona")),
    "Ahmedabad": ("Gujarat", "Ahmedabad", ("अहमदाबाद", "amdavad")),
    "Ranchi": ("Jharkhand", "Ranchi", ("रांची",)),
    "Chandigarh": ("Chandigarh", "Chandigarh", ("चंडीगढ़",)),
    "Gwalior": ("Madhya Pradesh", "Gwalior", ("ग्वालियर",)),
    "Gaya": ("Bihar", "Gaya", ("गया जी",)),
}

# Landmarks that are not post-office names: name -> (district, other names)
LANDMARKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Charbagh Railway Station": ("Lucknow", ("charbagh station", "चारबाग स्टेशन", "चारबाग")),
    "Bada Imambara": ("Lucknow", ("बड़ा इमामबाड़ा", "bara imambara", "imambara")),
    "Hazratganj": ("Lucknow", ("हज़रतगंज", "हजरतगंज")),
    "Gomti Nagar": ("Lucknow", ("गोमती नगर", "gomtinagar")),
    "Sangam": ("Prayagraj", ("संगम", "triveni sangam")),
    "Taj Mahal": ("Agra", ("ताजमहल", "ताज महल", "tajmahal")),
    "Dashashwamedh Ghat": ("Varanasi", ("दशाश्वमेध घाट", "dashashwamedh")),
    "Assi Ghat": ("Varanasi", ("अस्सी घाट",)),
    "Kashi Vishwanath": ("Varanasi", ("काशी विश्वनाथ", "vishwanath mandir")),
    "BHU": ("Varanasi", ("बीएचयू", "banaras hindu university")),
    "Gorakhnath Mandir": ("Gorakhpur", ("गोरखनाथ मंदिर", "gorakhnath temple")),
    "Ram Janmabhoomi": ("Ayodhya", ("राम जन्मभूमि", "ram mandir ayodhya")),
    "Banke Bihari": ("Mathura", ("बांके बिहारी", "bankey bihari")),
    "Botanical Garden Noida": ("Gautam Buddha Nagar", ("botanical garden metro",)),
    "Kanpur Central": ("Kanpur Nagar", ("कानपुर सेंट्रल", "kanpur central station")),
    "IIT Kanpur": ("Kanpur Nagar", ("आईआईटी कानपुर",)),
    "Moti Jheel": ("Kanpur Nagar", ("मोती झील",)),
    "Vaishali Ghaziabad": ("Ghaziabad", ("vaishali sector",)),
    "Kaushambi Ghaziabad": ("Ghaziabad", ("kaushambi metro",)),
}

# Words that are place names somewhere but, in a post, almost always mean something else.
_STOPWORDS_TEXT = """
    main mai mein me mera meri mere hum ham aaj kal ab abhi ghar gaon gram sab kuch nahi nahin
    hai hain ho hoon hun tha thi the ka ki ke ko se par pe aur ya bhi to toh jo ek do teen char
    panch station road nagar bazar bazaar market city town village district sadar police thana
    chowk gali mohalla colony sector block tehsil post near paas pass peeche pichhe samne saamne
    wala wali wale jaan jan life end khatam maar mar marna marunga jaunga jaungi suicide kill
    myself today tonight please help call sorry bye goodbye love family mummy papa maa bhai didi
    dost and for with from this that here there new old east west north south central upper
    lower khurd kalan bujurg buzurg majra purva pura ganj ram shiv hari gopal krishna lal devi
    mata baba pir dev raja rani sona pani kala kali lala sarai tola tal bagh ali khan nagla
    nangla garhi khera dih kot deh kheda bhawan office school college hospital temple mandir
    masjid ghat pul time phone number mobile whatsapp insta story video live bas bus train kar
    karna karne karunga karungi raha rahaa rahi rahee rahe hoo hu thaa thee meree meraa maine
    mujhe mujhako mujhko apna apnaa apni apnee koi kya kyaa kyon kyun naheen khatm zindagi
    jindagi jindagee zindagee maut marne maranaa marana jaana jana dena denaa lena lenaa bahut
    bahot log logon duniya duniyaa aatmahatyaa aatmhatya atmahatya majaboori majboori majburi
    bhagwan bhagavaan alvida alavidaa maaf maaph shanti dukh dard akela akelaa pareshan
    pareshaan yahan yahaan wahan vahaan yaha yahi vahee abhee kabhi kabhee phir fir kuchh raat
    din subah shaam now going want die dying bridge roof fan rope pills poison river nadi chhat
    pankha rassi zeher jahar men mem is am are was were where i my at in on an who what when why
    how it its be been being not no yes ok okay just still only very rahta rehta rahataa rahati
    rahatee rehti rahte rahate
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# Everyday Hindi/Hinglish words (verbs, "if", "inside", "mind" ...) that are also a place's
# exact name somewhere (Gaya, Bihar; Sakti, Chhattisgarh; Mann, Punjab). In a post's running
# text they name the place only beside its state ("Gaya, Bihar"); an address keeps them.
# Found by running the project's own Hindi/Hinglish posts through the gazetteer.
_POST_WORDS_TEXT = """
    gaya gayaa gayi gayee gaye gai gayi sakta sakataa sakti sakatee sakte sakate mann man
    maan agar bina andar aata jab ban bana bani bhool khair pati zara khol sandesh naa
"""
POST_WORDS = frozenset(_POST_WORDS_TEXT.split())


# India Post's postal circles: the states a PIN's first two digits can belong to. A PIN whose
# directory coordinates fall in another state (230134, Patti in Pratapgarh, is placed in
# Raipur) is a geocoding error of the directory, not a person in Chhattisgarh.
_CIRCLES = {
    "Delhi": "11",
    "Haryana": "12 13",
    "Punjab": "14 15 16",
    "Chandigarh": "16",
    "Himachal Pradesh": "17",
    "Jammu And Kashmir": "18 19",
    "Ladakh": "19",
    "Uttar Pradesh": "20 21 22 23 24 25 26 27 28",
    "Uttarakhand": "24 26",
    "Rajasthan": "30 31 32 33 34",
    "Gujarat": "36 37 38 39",
    "Dadra And Nagar Haveli And Daman And Diu": "36 39",
    "Maharashtra": "40 41 42 43 44",
    "Goa": "40",
    "Madhya Pradesh": "45 46 47 48",
    "Chhattisgarh": "49",
    "Telangana": "50",
    "Andhra Pradesh": "50 51 52 53",
    "Karnataka": "56 57 58 59",
    "Tamil Nadu": "60 61 62 63 64",
    "Puducherry": "53 60 67",
    "Kerala": "67 68 69",
    "Lakshadweep": "68",
    "West Bengal": "70 71 72 73 74",
    "Sikkim": "73",
    "Andaman And Nicobar Islands": "74",
    "Odisha": "75 76 77",
    "Assam": "78",
    "Arunachal Pradesh": "78 79",
    "Meghalaya": "79",
    "Manipur": "79",
    "Mizoram": "79",
    "Nagaland": "79",
    "Tripura": "79",
    "Bihar": "80 81 82 83 84 85",
    "Jharkhand": "81 82 83 84 85",
}
PIN_CIRCLE_STATES: dict[str, frozenset[str]] = {
    prefix: frozenset(state for state, codes in _CIRCLES.items() if prefix in codes.split())
    for prefix in {p for codes in _CIRCLES.values() for p in codes.split()}
}

package clerk

import (
	"math"

	"github.com/cetate/cetate/internal/catalog"
)

// This file holds what the finder knows about words beyond the catalogue:
// the everyday words people use for the city hall's services, and the names
// of life events.

// synonymGroup says that people who write one of words mean the catalogue's
// words in means. Words may be phrases and may be in any of the three
// languages; they are compared word by word after folding and stemming, so
// "buletinul" finds "buletin" and "actul de identitate" finds "act de
// identitate"; a question may have extra stop words between them ("am
// cumpărat o casă"). Weight is how sure the translation is: 1 for a plain
// synonym, less for an association that only hints at a service.
type synonymGroup struct {
	words  []string
	means  string
	weight float32
}

// synonymGroups are written from how people ask, not from the catalogue's
// keywords, which the finder reads already. Every word in means must be a
// word of some service (a test checks it).
var synonymGroups = []synonymGroup{
	// Identity and residence.
	{[]string{"buletin", "ci", "act de identitate", "carte de identitate", "cartea de identitate", "cei",
		"identity card", "id card", "identity document", "national id", "szemelyi", "szemelyi igazolvany",
		"szemelyazonossagi", "igazolvany"}, "carte identitate buletin", 1},
	{[]string{"schimbare de domiciliu", "schimbare domiciliu", "domiciliu nou", "schimb domiciliul",
		"adresa noua in buletin", "schimbare de adresa in buletin", "change of address", "lakcimvaltozas"},
		"schimbare buletin", 0.8},
	{[]string{"flotant", "viza de flotant", "viza flotant", "chirias", "resedinta temporara",
		"locuiesc temporar", "temporary residence", "register my address", "tartozkodasi hely", "albérlő"},
		"viza resedinta", 1},

	// Building.
	{[]string{"autorizatie de constructie", "autorizatia de constructie", "permis de constructie",
		"permis de construire", "autorizatie constructie", "aprobare constructie", "aprobare de constructie",
		"building permit", "planning permission", "construction permit", "epitesi engedely", "epitkezes"},
		"autorizatie construire", 1},
	{[]string{"construiesc", "construi", "constructie", "ridic o casa", "build", "building a house",
		"epitek", "epiteni", "hazat epitek"}, "construire", 0.6},
	{[]string{"etaj", "etaj in plus", "inca un etaj", "mansarda", "extind casa", "extindere casa",
		"foisor", "magazie", "sopron", "anexa noua", "extension", "loft", "emeletraepites"},
		"extindere supraetajare construire", 0.7},
	{[]string{"demolare", "demolez", "demola", "daram", "darama", "daramare", "darm", "pun jos casa",
		"demolish", "demolition", "tear down", "bontas", "lebontas", "lebontani", "bontani"}, "desfiintare demolare", 1},
	{[]string{"ce pot construi", "ce se poate construi", "ce am voie sa construiesc", "ce am voie sa construiesc pe teren",
		"planning certificate", "zoning certificate", "what can i build", "urbanisztikai"}, "certificat urbanism", 0.9},
	{[]string{"regim de inaltime", "zonare", "zona de construire", "plan urbanistic general", "plan zonal",
		"zoning", "zoning plan", "urban plan", "rendezesi terv"}, "plan urbanistic pug", 0.9},
	{[]string{"am terminat lucrarile", "terminat casa", "gata casa", "receptia lucrarilor", "receptia la terminarea lucrarilor",
		"finalizare lucrari", "finished building", "completion of works"}, "incheiere lucrari", 0.9},
	{[]string{"incep lucrarile", "incepem lucrarile", "inceperea lucrarilor", "pornesc santierul", "start building",
		"start works"}, "incepere lucrari", 0.9},
	{[]string{"strada si numarul", "nomenclator stradal", "nomenclatorul stradal", "adresa oficiala", "adresa corecta",
		"official address", "hivatalos cim"}, "adresa administrativa", 0.9},
	{[]string{"numar la poarta", "numar de casa", "numarul casei", "numar pe casa", "numar la casa",
		"house number", "hazszam", "hazszamtabla"}, "numar administrativ placuta", 1},
	{[]string{"reclama", "reclame", "afis", "afise", "panou", "panouri", "banner", "bannere", "billboard",
		"shop sign", "advert", "advertising", "reklam", "reklamtabla", "cegtabla", "firma pe cladire",
		"firma pe magazin", "firma la magazin", "firma luminoasa"}, "reclama publicitate", 1},

	// Utilities, streets and public land.
	{[]string{"gaz", "gaze", "apa", "curent", "curent electric", "electricitate", "canal", "internet",
		"utilitati", "racordare", "bransare", "ma racordez", "ma bransez", "utility connection", "water connection",
		"gas connection", "kozmu", "bekotes", "rakotes"}, "bransament racord utilitati", 0.6},
	{[]string{"sapatura", "sapaturi", "sap", "sapam", "santier pe trotuar", "schela", "schele", "ocupare trotuar",
		"spargere trotuar", "intrare auto", "bordura", "coborare bordura", "road works", "digging", "scaffolding",
		"driveway", "foldmunka", "allvany"}, "sapatura trotuar acces auto", 0.8},
	{[]string{"groapa", "gropi", "groapa in asfalt", "asfalt stricat", "drum stricat", "strada stricata",
		"pothole", "potholes", "katyu"}, "groapa asfalt", 1},
	{[]string{"gunoi", "gunoaie", "deseuri", "mizerie", "murdarie", "pubela", "tomberon", "containere",
		"ridicat gunoiul", "ridicarea gunoiului", "nu se ridica gunoiul", "neridicat", "rubbish", "garbage", "trash", "litter", "waste", "szemet", "hulladek"},
		"gunoi salubritate", 1},
	{[]string{"bec", "bec ars", "felinar", "iluminat", "iluminat public", "lumina pe strada", "e intuneric",
		"intuneric", "street light", "streetlight", "lamp", "kozvilagitas", "lampa"}, "iluminat bec stalp", 1},
	{[]string{"caine", "caini", "maidanez", "maidanezi", "caini vagabonzi", "caini comunitari", "stray dog",
		"stray dogs", "kobor kutya", "kutya"}, "caini stapan", 1},
	{[]string{"zapada", "nezapezit", "polei", "gheata", "deszapezire", "snow", "ice", "ho", "havazas"}, "zapada", 1},
	{[]string{"leagan", "loc de joaca", "banca rupta", "banci", "playground", "bench", "jatszoter", "pad"},
		"parc banca rupta", 0.8},
	{[]string{"capac", "capac lipsa", "gura de canal", "canal infundat", "balta", "baltoaca", "manhole"},
		"capac canal", 0.8},
	{[]string{"zgomot", "galagie", "noise", "zaj"}, "sesizare reclamatie", 0.6},
	{[]string{"graffiti", "vandalism", "vandalizat", "stricat", "rupt", "distrus", "broken", "damaged",
		"elromlott", "torott"}, "sesizare stricat", 0.5},
	{[]string{"copac", "copaci", "pom", "pomi", "arbore", "crengi", "creanga", "tree", "trees", "fa", "fak"},
		"arbori", 0.8},
	{[]string{"tai", "taiem", "taiere", "toaletare", "toaletez", "defrisare", "cut down", "fell", "prune",
		"kivagas", "kivagni", "gallyazas"}, "taiere toaletare", 0.7},

	// Cemetery.
	{[]string{"mormant", "morminte", "cimitir", "loc de veci", "loc in cimitir", "cavou", "cripta",
		"grave", "burial plot", "cemetery", "sirhely", "temeto", "temetesi hely", "temetohely", "kripta"},
		"loc veci cimitir", 1},

	// Traffic, transport, parking.
	{[]string{"camion", "tir", "duba", "autoutilitara", "masina de mare tonaj", "tonaj mare", "truck", "lorry",
		"heavy vehicle", "kamion", "teherauto"}, "tonaj libera trecere", 0.8},
	{[]string{"zona pietonala", "centrul istoric", "centru vechi", "centrul vechi", "acces in centru",
		"pedestrian zone", "pedestrian area", "belvaros", "setalo"}, "zona pietonala acces", 0.8},
	{[]string{"taximetrie", "taximetrist", "taxiuri", "taxist", "cab", "taxi licence", "taxi license",
		"taxiengedely"}, "taxi", 1},
	{[]string{"tractor", "tractoras", "moped", "scuter", "atv", "caruta", "combina", "utilaj agricol",
		"motocultor", "scooter", "traktor", "lassu jarmu", "segedmotor"}, "tractor moped vehicul lent", 0.9},
	{[]string{"parking", "parking space", "parking permit", "parkolo", "parkolohely", "parkolas",
		"parcare la domiciliu", "parcare in fata blocului", "loc de parcare"}, "parcare", 0.9},
	{[]string{"masina", "masini", "auto", "autoturism", "automobil", "autovehicul", "motocicleta", "motor",
		"moto", "remorca", "car", "vehicle", "motorbike", "motorcycle", "kocsi", "gepkocsi", "jarmu",
		"szemelyauto", "autom"}, "vehicul masina", 0.9},
	{[]string{"radiere auto", "radiere masina", "radiez masina", "scoatere din evidenta", "casare", "casat",
		"dezmembrare", "dezmembrat", "am dat masina la remat", "remat", "scrapped", "sold my car", "deregister"},
		"scoatere evidenta vehicul", 0.9},

	// Shops and trade.
	{[]string{"cafenea", "restaurant", "bar", "pub", "bistro", "pizzerie", "frizerie", "salon", "coafor",
		"cofetarie", "patiserie", "shop", "cafe", "etterem", "kavezo", "uzlet", "fodraszat"}, "acord functionare", 0.7},
	{[]string{"orar", "program de functionare", "program magazin", "programul magazinului", "opening hours",
		"nyitvatartas"}, "orar functionare", 0.9},
	{[]string{"autorizatie de functionare", "licenta de functionare", "aviz de functionare", "operating licence",
		"operating license", "business licence", "mukodesi engedely"}, "acord functionare", 1},
	{[]string{"chiosc", "toneta", "rulota", "food truck", "kiosk", "stall", "stand", "targ", "fair", "vasar",
		"pavilon", "vanzare ambulanta", "vanzator ambulant", "street food", "street vendor", "arus"},
		"comert stradal", 0.9},
	{[]string{"producator", "vand legume", "vand in piata", "vand la piata", "vand produse", "legume", "fructe",
		"branza", "lapte", "oua", "miere", "produse din gradina", "produse agricole", "sell vegetables",
		"termelo", "ostermelo", "piac"}, "atestat producator produse agricole", 0.9},
	{[]string{"registrul agricol", "registru agricol", "animale", "vaci", "oi", "porci", "pasari",
		"gospodarie", "ferma", "fermier", "farm", "farmer", "livestock", "mezogazdasagi", "gazdasag", "allat"},
		"registrul agricol", 0.8},
	{[]string{"srl", "societate comerciala", "persoana juridica", "company", "companies", "ceg", "ceges"},
		"persoane juridice firma", 0.6},

	// Family and civil status.
	{[]string{"nunta", "cununie", "cununia", "cununie civila", "ma casatoresc", "ne casatorim", "ma marit",
		"ma insor", "maritis", "insuratoare", "get married", "marry", "marriage", "wedding", "hazassag",
		"hazassagkotes", "eskuvo", "hazasodni", "hazasodunk"}, "casatorie", 1},
	{[]string{"divort", "divortez", "divortam", "ma despart", "ne despartim", "despartire", "separare",
		"divorce", "divorcing", "valas", "valni", "elvalni", "elvalunk"}, "divort", 1},
	{[]string{"nascut", "s-a nascut", "am nascut", "a nascut", "nou nascut", "bebe", "bebelus", "copil nou",
		"birth", "born", "baby", "newborn", "szuletes", "szuletett", "baba", "ujszulott"}, "nastere", 1},
	{[]string{"deces", "decedat", "a decedat", "a murit", "mort", "moarte", "a plecat dintre noi",
		"death", "died", "dead", "passed away", "halal", "haleset", "elhunyt", "meghalt"}, "deces", 1},
	{[]string{"strainatate", "din strainatate", "in strainatate", "in afara tarii", "diaspora", "abroad",
		"foreign", "kulfold", "kulfoldon", "kulfoldi"}, "strainatate transcriere", 0.8},
	// Where most Romanians abroad live: a birth or a marriage there is
	// transcribed.
	{[]string{"italia", "spania", "germania", "anglia", "marea britanie", "franta", "austria", "belgia",
		"olanda", "irlanda", "ungaria", "republica moldova", "sua", "america", "canada", "israel"},
		"strainatate", 0.6},

	// Social help.
	{[]string{"handicap", "dizabilitate", "dizabilitati", "invaliditate", "invalid", "infirm", "nevazator",
		"orb", "surd", "scaun cu rotile", "disability", "disabled", "wheelchair", "fogyatekos",
		"fogyatekossag", "rokkant"}, "handicap", 1},
	{[]string{"caldura", "incalzire", "incalzit", "lemne", "lemne de foc", "centrala", "termoficare",
		"calorifer", "frig in casa", "factura la gaz", "heating", "firewood", "futes", "tuzifa"},
		"ajutor incalzire", 0.9},
	{[]string{"incendiu", "a luat foc", "a ars", "arsa", "inundatie", "inundat", "cutremur", "furtuna",
		"calamitate", "dezastru", "urgenta", "fire", "flood", "earthquake", "storm", "disaster", "emergency",
		"tuz", "arviz", "foldrenges", "vihar", "surgos"}, "ajutor urgenta calamitate", 1},
	{[]string{"alocatie", "alocatia", "alocatii", "bani pentru copil", "child benefit", "child allowance",
		"gyermekpotlek", "csaladi potlek"}, "alocatie copii", 1},
	{[]string{"concediu de maternitate", "maternitate", "concediu de ingrijire copil", "concediu pentru cresterea copilului",
		"concediu crestere copil", "concediu de crestere", "indemnizatie mama", "maternity", "paternity",
		"parental leave", "maternity leave", "gyed", "gyes", "anyasagi", "gyermekgondozasi"},
		"indemnizatie crestere copil concediu", 1},
	{[]string{"ajutor social", "ajutorul social", "bani de la stat", "saracie", "sarac", "saraci", "somer", "somaj",
		"fara venit", "fara loc de munca", "nu am venit", "nu am venituri", "nu am bani", "nu am din ce trai",
		"social aid", "social assistance", "welfare", "benefits", "low income", "segely", "szocialis segely"},
		"venit minim incluziune ajutor social", 1},
	{[]string{"ajutor", "bani", "ajutor financiar", "ajutor banesc", "sprijin", "sprijin financiar",
		"financial help", "money", "penz", "tamogatas"}, "ajutor social", 0.4},

	// Housing.
	{[]string{"casa", "locuinta", "apartament", "bloc", "imobil", "home", "house", "flat", "apartment",
		"dwelling", "haz", "lakas", "otthon"}, "locuinta casa apartament", 0.4},
	{[]string{"locuinta sociala", "casa sociala", "apartament social", "locuinta de la stat", "casa de la stat",
		"nu am unde sa stau", "nu am unde sa locuiesc", "nu am locuinta", "fara adapost", "am ramas pe drumuri",
		"social housing", "council flat", "homeless", "szocialis lakas", "szocialis berlakas", "hajlektalan"},
		"locuinta sociala", 1},
	{[]string{"anl", "locuinta pentru tineri", "casa pentru tineri", "apartament pentru tineri", "tanar", "tineret",
		"young people", "fiatal", "fiataloknak"}, "locuinta anl tineri", 0.9},
	{[]string{"parcela", "lot", "plot", "telek", "fold"}, "teren", 0.8},

	// Taxes.
	{[]string{"taxe", "taxa", "impozit", "impozite", "dari", "bir", "tax", "taxes", "ado", "adok", "illetek"},
		"impozit taxe", 0.7},
	{[]string{"certificat fiscal", "cazier fiscal", "adeverinta fiscala", "atestare fiscala", "fara datorii",
		"nu am datorii", "datorii", "certificat pentru notar", "tax certificate", "tax clearance", "adoigazolas",
		"tartozasmentes"}, "certificat fiscal atestare", 1},
	{[]string{"plata online", "platesc online", "plata cu cardul", "platesc cu cardul", "ghiseul", "parola",
		"cont online", "user si parola", "pay online", "online payment", "login", "online fizetes", "bankkartya"},
		"plata online acces cont", 1},
	{[]string{"amenda", "amenzi", "amenda de circulatie", "fine", "parking fine", "birsag"}, "plata online", 0.6},
	{[]string{"contestatie", "contest", "nu sunt de acord", "gresit", "eroare", "prea mare", "objection",
		"appeal", "disagree", "fellebbezes", "kifogas"}, "contestatie impunere", 0.7},
	{[]string{"am cumparat casa", "am cumparat apartament", "casa cumparata", "am mostenit casa", "declar casa",
		"declaratie casa", "impozit pe casa", "impozit pe apartament", "property tax", "building tax", "house tax",
		"epuletado"}, "declaratie cladire impozit casa", 0.9},
	{[]string{"bani inapoi", "banii inapoi", "rambursare", "restituire", "am platit de doua ori", "am platit in plus",
		"am platit gresit", "platit dublu", "refund", "overpaid", "paid twice", "visszaterites", "tulfizetes"},
		"restituire compensare", 1},
	{[]string{"scutire", "scutit", "reducere", "veteran", "veterani", "revolutionar", "persecutat politic",
		"reabilitare termica", "exemption", "exempt", "reduction", "discount", "mentesseg", "kedvezmeny"},
		"scutire reducere impozit", 0.8},

	// Talking to the city hall.
	{[]string{"gdpr", "date personale", "datele mele", "datele personale", "ce stiti despre mine", "stergere date",
		"stergeti datele", "personal data", "my data", "data protection", "szemelyes adat", "adatvedelem"},
		"date personale gdpr", 1},
	{[]string{"informatii publice", "informatii de interes public", "foia", "foi",
		"freedom of information", "kozerdeku adat", "adatigenyles"}, "informatii interes public", 1},
	{[]string{"cat a costat", "cati bani", "cheltuieli", "cheltuit", "contract", "contracte", "licitatie publica",
		"how much did it cost", "spending", "kiadasok", "szerzodes"}, "informatii publice", 0.6},
	{[]string{"nu mi-au raspuns", "nu am primit raspuns", "nu mi s-a raspuns", "refuz", "refuzat",
		"mi-au refuzat", "raspuns incomplet", "refused", "no answer", "elutasit", "elutasitottak"},
		"refuz reclamatie 544", 0.7},
	{[]string{"primar", "primarul", "primarului", "viceprimar", "mayor", "deputy mayor", "polgarmester",
		"alpolgarmester", "fogadoora"}, "audienta primar", 0.9},
	// A complaint or a request to the city hall is a petition (OG 27/2002).
	{[]string{"reclamatie", "plangere", "ma plang", "nemultumire", "nemultumit", "complain", "complaint",
		"panasz", "panaszt"}, "petitie reclamatie plangere", 0.9},
	{[]string{"stadiul cererii", "stadiul dosarului", "unde e dosarul", "unde este dosarul", "ce se intampla cu cererea",
		"unde este cererea", "unde e cererea", "ce s-a intamplat cu cererea", "cum sta cererea",
		"functionar", "functionarul", "dosarul meu", "case officer", "status of my request", "ugyintezo"},
		"programare functionar stadiu", 0.9},
	{[]string{"protest", "protestez", "protestam", "miting", "manifestatie", "mars", "demonstratie", "greva",
		"pichet", "rally", "demonstration", "march", "tuntetes", "felvonulas"}, "adunare publica miting protest", 1},
	{[]string{"dezbatere", "public debate", "public hearing", "kozvita", "lakossagi forum"}, "dezbatere publica", 0.9},
	{[]string{"proiect de hotarare", "hcl", "hotararea consiliului local", "consiliul local", "draft decision",
		"comment", "opinie", "sugestie", "amendament", "hatarozattervezet", "velemeny"},
		"recomandare proiect hotarare", 0.8},
	{[]string{"buget participativ", "bugetare participativa", "idee", "idee pentru oras", "idee pentru cartier",
		"proiect pentru cartier", "propunere de proiect", "vot proiecte", "participatory budget",
		"participatory budgeting", "idea for the city", "reszveteli koltsegvetes", "otlet"},
		"bugetare participativa propunere proiect", 0.9},
	{[]string{"arhiva", "act vechi", "acte vechi", "documente vechi", "copie dupa act", "copie legalizata",
		"copie certificata", "archive", "old document", "certified copy", "leveltar", "masolat"},
		"copie arhiva", 0.9},
}

// lifeEventNames name the life events services belong to, in the three
// languages, so that "moving house" or "költözés" finds the services of
// mutare.
var lifeEventNames = map[string]catalog.Text{
	"documente-identitate":  {RO: "documente de identitate", EN: "identity documents", HU: "személyi okmányok"},
	"nastere":               {RO: "naștere copil", EN: "birth of a child", HU: "gyermek születése"},
	"casatorie":             {RO: "căsătorie", EN: "marriage", HU: "házasság"},
	"deces":                 {RO: "deces", EN: "death of a relative", HU: "haláleset"},
	"locuinta-constructie":  {RO: "locuință și construcție", EN: "home and building", HU: "lakás és építkezés"},
	"mutare":                {RO: "mutare", EN: "moving house", HU: "költözés"},
	"vehicul":               {RO: "vehicul", EN: "vehicle", HU: "jármű"},
	"taxe":                  {RO: "taxe și impozite", EN: "taxes", HU: "adók"},
	"ajutor-social":         {RO: "ajutor social", EN: "social help", HU: "szociális segítség"},
	"afacere":               {RO: "afacere", EN: "business", HU: "vállalkozás"},
	"cetatenie-participare": {RO: "cetățenie și participare", EN: "having a say", HU: "részvétel"},
}

// synonym is a synonymGroup phrase compiled for matching.
type synonym struct {
	// key is the Romanian stem of each word of the phrase, stop words
	// included: "nu am unde să stau" needs its "nu".
	key []string
	// stop marks the stop words of key: a stop word only matches a stop
	// word, so "primărie" (stop) is not "primar" (mayor) though their stems
	// are the same.
	stop []bool
	// means are the terms of each word of the group's meaning.
	means [][]termMatch
	// weight is the weight of each word of means: the group's weight
	// shared among them, so that a long meaning does not outweigh the
	// words typed.
	weight float32
	// group is the index of the synonym group in synonymGroups: a group
	// counts once per question however many of its phrases it has.
	group int32
}

// compileSynonyms resolves each group's meaning against the index once, and
// indexes its phrases by their first word.
func (f *Finder) compileSynonyms() {
	sc := f.newScratch()
	for gi, g := range synonymGroups {
		sc.words = splitWords(sc.words[:0], g.means, &sc.buf)
		var means [][]termMatch
		for _, w := range sc.words {
			sc.matches = sc.matches[:0]
			f.resolve(sc, w.text)
			if len(sc.matches) > 0 {
				means = append(means, append([]termMatch(nil), sc.matches...))
			}
		}
		for _, phrase := range g.words {
			sc.words = splitWords(sc.words[:0], phrase, &sc.buf)
			if len(sc.words) == 0 {
				continue
			}
			s := synonym{means: means, weight: g.weight / float32(math.Sqrt(float64(len(means)))), group: int32(gi)}
			for _, w := range sc.words {
				s.key = append(s.key, stemRO(w.text))
				s.stop = append(s.stop, w.stop)
			}
			id := int32(len(f.synonyms))
			f.synonyms = append(f.synonyms, s)
			f.synonymsAt[s.key[0]] = append(f.synonymsAt[s.key[0]], id)
		}
	}
}

// matchAt reports whether the question's words from i on say the synonym's
// phrase, allowing stop words of the question between its words, and where
// the phrase ends.
func (s *synonym) matchAt(words []word, stems []string, i int) (end int, ok bool) {
	j := i
	for k, want := range s.key {
		for {
			if j >= len(words) {
				return 0, false
			}
			if stems[j] == want && words[j].stop == s.stop[k] {
				j++
				break
			}
			if k > 0 && words[j].stop {
				j++
				continue
			}
			return 0, false
		}
	}
	return j, true
}

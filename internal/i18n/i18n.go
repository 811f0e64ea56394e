// Package i18n holds Cetate's message catalogue in Romanian (the default and
// reference language), English and Hungarian, and picks a language from what
// the browser asks for.
//
// Messages are embedded JSON files locales/<area>.<lang>.json (core, web,
// notify…), so that each part of Cetate keeps its texts in files of its own;
// every language has the same keys (a test checks it). A message with plural forms is
// an object of CLDR forms: Romanian needs one, few and other; English and
// Hungarian one and other.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages are the supported languages, the default first.
var Languages = []string{"ro", "en", "hu"}

// supported is the package's own copy of Languages, in matcher order.
var supported = slices.Clone(Languages)

// DefaultLanguage is the language used when nothing better matches, and the
// reference every other catalogue is checked against.
const DefaultLanguage = "ro"

//go:embed locales/*.json
var localeFiles embed.FS

var (
	bundle     *goi18n.Bundle
	localizers = map[string]*goi18n.Localizer{}
	// plain holds, per language, the messages that have neither parameters nor
	// plural forms: most of a page's texts, served without going through go-i18n.
	plain   = map[string]map[string]string{}
	keys    = map[string]bool{} // the keys of the default language
	matcher language.Matcher
)

func init() {
	bundle = goi18n.NewBundle(language.Romanian)
	tags := make([]language.Tag, 0, len(Languages))
	for _, lang := range supported {
		paths, _ := fs.Glob(localeFiles, "locales/*."+lang+".json")
		if len(paths) == 0 {
			panic("i18n: no messages for " + lang)
		}
		for _, path := range paths {
			data, err := localeFiles.ReadFile(path)
			if err != nil {
				panic("i18n: " + err.Error())
			}
			file, err := bundle.ParseMessageFileBytes(data, path)
			if err != nil {
				// A broken catalogue must stop the program at start, not
				// show keys to citizens; the tests catch it first.
				panic(fmt.Sprintf("i18n: %s: %v", path, err))
			}
			if lang == DefaultLanguage {
				for _, m := range file.Messages {
					keys[m.ID] = true
				}
			}
			if plain[lang] == nil {
				plain[lang] = map[string]string{}
			}
			for _, m := range file.Messages {
				if m.One == "" && m.Few == "" && m.Many == "" && m.Two == "" && m.Zero == "" && !strings.Contains(m.Other, "{{") {
					plain[lang][m.ID] = m.Other
				}
			}
		}
		localizers[lang] = goi18n.NewLocalizer(bundle, lang)
		tags = append(tags, language.MustParse(lang))
	}
	matcher = language.NewMatcher(tags)
}

// Match picks the best supported language for an Accept-Language header
// ("hu-HU,hu;q=0.9,en;q=0.8") or a bare code ("hu"). It returns
// DefaultLanguage when nothing matches or the header cannot be read.
func Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return DefaultLanguage
	}
	_, i, confidence := matcher.Match(tags...)
	if confidence == language.No {
		return DefaultLanguage
	}
	return supported[i]
}

// T translates key into lang. params fill the message's {{.Name}}
// placeholders; a "Count" param (an integer, or a number written as a string)
// selects the plural form. A lang that is not one of Languages is matched
// like an Accept-Language header. A key that does not exist comes back as
// the key itself, so a mistake shows on the page instead of an empty space;
// tests keep that from shipping.
func T(lang, key string, params map[string]any) string {
	if msg, ok := plain[lang][key]; ok {
		return msg
	}
	loc, ok := localizers[lang]
	if !ok {
		loc = localizers[Match(lang)]
	}
	cfg := &goi18n.LocalizeConfig{MessageID: key}
	if params != nil {
		cfg.TemplateData = params
		if count, ok := pluralCount(params["Count"]); ok {
			cfg.PluralCount = count
		}
	}
	msg, err := loc.Localize(cfg)
	if msg == "" && err != nil && cfg.PluralCount != nil {
		// A Count that is not a number (NaN, "many"): show the "other"
		// form rather than the key.
		cfg.PluralCount = nil
		msg, err = loc.Localize(cfg)
	}
	if msg == "" && err != nil {
		return key
	}
	return msg
}

// Has reports whether key is in the catalogue (of every language, which the
// tests guarantee). Callers that build keys at run time test them with it.
func Has(key string) bool {
	return keys[key]
}

// pluralCount converts v to a type go-i18n accepts as a plural count: it
// takes integers and decimal strings but refuses floats, while numbers
// decoded from JSON arrive as float64 or json.Number.
func pluralCount(v any) (any, bool) {
	switch n := v.(type) {
	case int, int8, int16, int32, int64:
		return n, true
	case uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(n), true
	case float32:
		return strconv.FormatFloat(float64(n), 'f', -1, 32), true
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64), true
	case json.Number:
		return n.String(), true
	case string:
		return n, true
	}
	return nil, false
}

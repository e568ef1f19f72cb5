// Webapp template "form": a form whose fields come from the prompt ("a form
// with name, email and age"), typed by their names, validated in the page,
// with submissions listed, exportable as CSV and kept in localStorage.

#include "infra/templates/prompt_words.hpp"
#include "infra/template_files.hpp"
#include "infra/templates/templates.hpp"
#include "core/text_escape.hpp"

namespace spawn {

namespace {

bool any_word(const std::string& folded, std::initializer_list<std::string_view> words) {
  for (auto& tk : tokenise(folded))
    for (auto w : words)
      if (tk.folded == w)
        return true;
  return false;
}

/// A field spec inferred from its name ("email" -> an email input).
nlohmann::json field_for(const std::string& label, int index) {
  auto f = fold(label);
  nlohmann::json j{{"key", "f" + std::to_string(index) + "_" + slugify(label, 24)},
                   {"label", capitalise(label)},
                   {"type", "text"},
                   {"required", f.find("optional") == std::string::npos
                                  && f.find("facultatif") == std::string::npos}};
  auto type = [&](const char* t) { j["type"] = t; };
  if (any_word(f, {"email", "e-mail", "mail", "courriel", "emails"})) {
    type("email");
    j["autocomplete"] = "email";
  } else if (any_word(f, {"phone", "telephone", "tel", "mobile", "portable", "cell"})) {
    type("tel");
    j["autocomplete"] = "tel";
  } else if (any_word(f, {"password", "passe", "passcode"})) {
    type("password");
    j["autocomplete"] = "new-password";
  } else if (any_word(f, {"rating", "satisfaction", "stars", "etoiles", "score"})) {
    type("select");
    j["options"] = {"5 - Excellent", "4 - Good", "3 - Okay", "2 - Poor", "1 - Bad"};
  } else if (any_word(f, {"attending", "attendance", "presence", "coming", "rsvp"})) {
    type("select");
    j["options"] = {"Yes, I'll be there", "No, sorry", "Maybe"};
  } else if (any_word(f, {"age", "quantity", "guests", "people", "persons", "number", "nombre",
                          "quantite", "personnes", "participants", "invites", "count", "size"})) {
    type("number");
  } else if (any_word(f, {"date", "birthday", "birth", "naissance", "anniversaire", "deadline",
                          "dob", "day", "jour"})) {
    type("date");
  } else if (any_word(f, {"time", "heure", "hour"})) {
    type("time");
  } else if (any_word(f, {"website", "url", "site", "link", "lien", "portfolio"})) {
    type("url");
    j["placeholder"] = "https://";
  } else if (any_word(f, {"message", "comment", "comments", "description", "feedback", "notes",
                          "details", "bio", "about", "remarks", "address", "adresse", "lettre",
                          "letter", "motivation", "commentaire", "commentaires", "avis",
                          "requirements", "question", "questions", "suggestions", "story"})) {
    type("textarea");
  } else if (any_word(f, {"agree", "consent", "terms", "newsletter", "subscribe", "accept",
                          "accepte", "conditions"})) {
    type("checkbox");
  } else if (any_word(f, {"name", "nom", "prenom", "fullname", "username"})) {
    j["autocomplete"] = any_word(f, {"username"}) ? "username" : "name";
  }
  return j;
}

} // namespace

std::vector<std::string> form_fields(const prompt_traits& t) {
  if (!t.fields.empty())
    return t.fields;
  if (t.has_any({"rsvp", "wedding", "party", "invitation", "mariage", "fete", "event"}))
    return {"Name", "Email", "Attending", "Number of guests", "Dietary requirements (optional)"};
  if (t.has_any({"booking", "reservation", "appointment", "rendez-vous", "rdv", "book"}))
    return {"Name", "Email", "Phone", "Date", "Time", "Number of people", "Notes (optional)"};
  if (t.has_any({"feedback", "survey", "sondage", "avis", "review", "satisfaction", "poll"}))
    return {"Name (optional)", "Rating", "What did you like?", "What could be better? (optional)"};
  if (t.has_any({"job", "candidature", "apply", "recruitment", "hiring", "career"}))
    return {"Full name", "Email", "Phone", "Position", "Portfolio website (optional)",
               "Cover letter"};
  if (t.has_any({"signup", "sign-up", "sign up", "registration", "register",
                        "inscription", "newsletter", "waitlist", "join", "membership"}))
    return {"Full name", "Email", "Country", "I agree to receive emails"};
  if (t.has_any({"contact", "enquiry", "inquiry", "support"}))
    return {"Name", "Email", "Subject", "Message"};
  return {"Name", "Email", "Message"};
}

std::vector<app_file> form_webapp(const prompt_traits& t, const std::string& title) {
  page_parts p;
  p.title = title;
  p.default_accent = "#0891b2";
  p.css = template_text("form/app.css");
  p.body = template_text("form/body.html");
  p.js = template_text("form/app.js");
  std::vector<std::string> names = form_fields(t);
  std::string submit = "Submit";
  std::string thanks = "Thank you! Your response has been saved.";
  std::string subtitle = "Fill in the form; every response is listed below and saved in this browser.";
  if (t.has_any({"rsvp", "wedding", "party", "invitation", "mariage", "fete", "event"})) {
    submit = "Send my RSVP";
    thanks = "Thanks! Your RSVP has been recorded.";
  } else if (t.has_any({"booking", "reservation", "appointment", "rendez-vous", "rdv", "book"})) {
    submit = "Book";
    thanks = "Booked! Your reservation has been saved.";
  } else if (t.has_any({"feedback", "survey", "sondage", "avis", "review", "satisfaction", "poll"})) {
    submit = "Send feedback";
    thanks = "Thank you for your feedback!";
  } else if (t.has_any({"job", "candidature", "apply", "recruitment", "hiring", "career"})) {
    submit = "Apply";
    thanks = "Application received. Good luck!";
  } else if (t.has_any({"signup", "sign-up", "sign up", "registration", "register",
                        "inscription", "newsletter", "waitlist", "join", "membership"})) {
    submit = "Sign up";
    thanks = "You're signed up. Welcome!";
  } else if (t.has_any({"contact", "enquiry", "inquiry", "support"})) {
    submit = "Send message";
    thanks = "Message sent. We'll get back to you soon.";
  }
  if (names.empty())
    names = {"Name", "Email", "Message"};
  nlohmann::json fields = nlohmann::json::array();
  int i = 0;
  for (auto& n : names)
    fields.push_back(field_for(n, i++));
  p.subtitle = subtitle;
  p.config = {{"storageKey", "form-" + slugify(title, 30)},
              {"fields", fields},
              {"submitLabel", submit},
              {"thanks", thanks}};
  return {{"index.html", render_page(t, p)}};
}

} // namespace spawn

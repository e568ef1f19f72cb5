// Content of the "site" template: for each kind of business the prompt may
// name, a tagline, six services, a story and values. English, plain text.

#include "infra/templates/site.hpp"

namespace spawn {

namespace {

const char* const kinds_json = R"json([
{"kind":"bakery","words":["bakery","bakeries","boulangerie","patisserie","bakehouse","cakes","cake","pastry","pastries","bread","croissants"],
 "label":"Bakery","tagline":"Bread baked before sunrise, pastries made by hand, every single day.",
 "services":[["Fresh bread","Sourdough, baguettes and rye, shaped by hand and baked every morning."],["Pastries","Croissants, pains au chocolat and seasonal tarts with real butter."],["Celebration cakes","Birthday and wedding cakes designed with you, to order."],["Coffee corner","Good coffee to go with something sweet, from 7 am."],["Catering","Platters of mini pastries and sandwiches for offices and events."],["Workshops","Weekend bread-making classes for beginners and children."]],
 "story":"It started with a family recipe and an old stone oven. Today the ovens are newer, but the dough still rests overnight and every loaf is still shaped by hand.",
 "values":["Local flour and organic ingredients","No shortcuts: long fermentation, real butter","Unsold bread goes to local charities"]},
{"kind":"restaurant","words":["restaurant","restaurants","cafe","bistro","brasserie","pizzeria","diner","bar","eatery","trattoria","food","cuisine"],
 "label":"Restaurant","tagline":"Seasonal cooking, a warm welcome and a table waiting for you.",
 "services":[["Lunch menu","A quick, generous set menu that changes every week."],["Dinner","Seasonal dishes cooked from fresh, local produce."],["Private dining","A room for up to 20 guests for birthdays and business dinners."],["Takeaway","Order by phone and collect your meal in 20 minutes."],["Wine list","Small producers and natural wines, chosen to match the menu."],["Catering","Our kitchen comes to your event, from buffets to plated dinners."]],
 "story":"We opened our doors to cook the food we love to eat: honest, seasonal and shared. Our chefs work with farmers and fishermen we know by name.",
 "values":["Fresh, seasonal, local","Everything homemade, including desserts","Vegetarian options every day"]},
{"kind":"trades","words":["plumber","plumbing","plombier","electrician","electricien","handyman","builder","carpenter","roofer","painter","renovation","repairs","artisan","menuisier","peintre"],
 "label":"Trades","tagline":"Reliable work, fair quotes and craftsmen who turn up on time.",
 "services":[["Emergency call-outs","Leaks, breakdowns and urgent repairs, seven days a week."],["Installations","New fittings and appliances installed to the current standards."],["Renovation","Kitchens, bathrooms and full rooms, from plan to finish."],["Maintenance","Yearly checks that prevent the expensive surprises."],["Free quotes","A clear written quote before any work starts."],["Guarantee","Every job is insured and guaranteed for two years."]],
 "story":"Over the years we have built our reputation one job at a time, mostly through word of mouth. We explain what we do, we clean up after ourselves, and we stand by our work.",
 "values":["Clear quotes, no hidden costs","Punctual and tidy","Fully insured and certified"]},
{"kind":"photography","words":["photographer","photography","photographe","photo","photos","studio","videographer","portrait","portraits"],
 "label":"Photography","tagline":"Honest, beautiful photographs of the moments that matter to you.",
 "services":[["Weddings","Discreet coverage of your whole day, from preparations to first dance."],["Portraits","Relaxed sessions in the studio or outdoors, for individuals and families."],["Business","Headshots, team photos and product images for your brand."],["Events","Conferences, parties and launches, delivered within 48 hours."],["Prints and albums","Fine art prints and handmade albums that last for generations."],["Photo walks","Small-group outings to learn to use your own camera better."]],
 "story":"Photography began as a hobby with a borrowed camera and became a way of life. I love natural light, real emotions and pictures that still feel true years later.",
 "values":["Natural, unposed images","Fast delivery in a private online gallery","Clear packages with no surprises"]},
{"kind":"wellness","words":["yoga","fitness","gym","coach","coaching","pilates","trainer","sport","meditation","wellness","massage","spa","therapy"],
 "label":"Wellness","tagline":"Move better, feel stronger and find some calm in a busy week.",
 "services":[["Group classes","Small classes for every level, morning, lunchtime and evening."],["Private sessions","One-to-one coaching built around your goals and your body."],["Beginners course","Four weeks to learn the basics safely and confidently."],["Online classes","Live and recorded sessions to follow from home."],["Workshops","Monthly deep dives into breathing, mobility and recovery."],["Corporate wellbeing","Sessions at your office to help teams feel their best."]],
 "story":"We created a space where everyone feels welcome, whatever their age or level. Our teachers are certified, experienced and above all kind.",
 "values":["Small groups, personal attention","Every level welcome","First class free"]},
{"kind":"beauty","words":["hairdresser","hairdressing","coiffeur","coiffure","salon","barber","barbershop","beauty","nails","esthetique","beaute","makeup"],
 "label":"Salon","tagline":"Look good, feel great, and leave a little more yourself.",
 "services":[["Cuts and styling","Precision cuts for all hair types, with a consultation first."],["Colour","Highlights, balayage and full colour with gentle products."],["Treatments","Repairing and hydrating care for tired or damaged hair."],["Beard and shave","Trims, hot towel shaves and beard sculpting."],["Weddings and events","Hair and make-up for the big day, at the salon or on location."],["Gift cards","The perfect present, valid for a whole year."]],
 "story":"Our salon is a relaxed, friendly place where we take the time to listen. We keep learning the latest techniques so you always leave happy.",
 "values":["A consultation before every service","Products kind to hair and planet","Online booking, no waiting"]},
{"kind":"health","words":["dentist","dental","doctor","clinic","dentiste","medecin","physio","physiotherapist","osteopath","osteopathe","kine","vet","veterinary","veterinaire","nurse","health"],
 "label":"Practice","tagline":"Attentive, professional care for you and your family.",
 "services":[["Consultations","Appointments that leave time to listen and explain."],["Prevention","Regular check-ups that catch problems early."],["Treatments","Modern equipment and proven techniques, explained clearly."],["Emergencies","Same-day slots kept free for urgent cases."],["Children","Gentle care adapted to our youngest patients."],["Follow-up","A clear plan and reminders after every visit."]],
 "story":"Our practice brings together experienced professionals who share one idea: good care starts with listening. We keep up with the latest guidelines and explain every step.",
 "values":["Time to listen and explain","Up-to-date equipment and training","Accessible premises"]},
{"kind":"professional","words":["lawyer","avocat","notary","notaire","accountant","comptable","consultant","consulting","conseil","agency","agence","freelance","freelancer","developer","designer","marketing","architect","architecte","firm"],
 "label":"Consulting","tagline":"Expert advice, clear answers and results you can measure.",
 "services":[["Advice","A first meeting to understand your situation and your goals."],["Strategy","A clear plan with priorities, costs and timelines."],["Delivery","Hands-on work, done properly and on schedule."],["Audits","An independent review of what works and what to fix."],["Training","Workshops that help your team become autonomous."],["Ongoing support","A trusted partner when new questions come up."]],
 "story":"We founded the firm to offer the kind of advice we would want ourselves: straight, practical and focused on what matters. Our clients range from start-ups to long-established companies.",
 "values":["Clear fixed-price proposals","A single point of contact","Confidentiality guaranteed"]},
{"kind":"general","words":[],
 "label":"Business","tagline":"Quality work, friendly service and people who care.",
 "services":[["Consultation","We start by listening, so we understand exactly what you need."],["Tailored service","Solutions fitted to you, never one-size-fits-all."],["Quality work","Done carefully, by experienced people, to a high standard."],["Fast response","We reply within one working day, often sooner."],["Fair prices","Clear quotes up front and no hidden costs."],["Aftercare","We stay in touch and are here when you need us."]],
 "story":"We started with a simple idea: do good work and treat people well. Years later, most of our customers come to us through recommendations, and that is what we are proudest of.",
 "values":["Honest advice","Reliable and on time","Customers who come back"]}
])json";

} // namespace

nlohmann::json site_kind_for(const prompt_traits& t) {
  static const auto kinds = nlohmann::json::parse(kinds_json);
  for (auto& k : kinds)
    for (auto& w : k["words"])
      if (t.has(w.get<std::string>()))
        return k;
  return kinds.back();
}

} // namespace spawn

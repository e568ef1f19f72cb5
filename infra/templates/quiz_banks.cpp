// Built-in question banks of the quiz template. Each question: q, choices,
// answer (index into choices) and why (a one-line explanation).

#include "infra/templates/templates.hpp"

namespace spawn {

namespace {

const char* const banks_json = R"json({
"general": [
 {"q":"How many continents are there by the most common count?","choices":["Five","Six","Seven","Eight"],"answer":2,"why":"Africa, Antarctica, Asia, Australia/Oceania, Europe, North America and South America."},
 {"q":"Which planet is known as the Red Planet?","choices":["Venus","Mars","Jupiter","Mercury"],"answer":1,"why":"Iron oxide (rust) on its surface makes Mars look red."},
 {"q":"What is the largest ocean on Earth?","choices":["Atlantic","Indian","Arctic","Pacific"],"answer":3,"why":"The Pacific covers about a third of the planet's surface."},
 {"q":"Who painted the Mona Lisa?","choices":["Michelangelo","Leonardo da Vinci","Raphael","Vincent van Gogh"],"answer":1,"why":"Leonardo worked on it in the early 1500s; it hangs in the Louvre."},
 {"q":"How many sides does a hexagon have?","choices":["Five","Six","Seven","Eight"],"answer":1,"why":"'Hex' comes from the Greek for six."},
 {"q":"What is the chemical symbol for gold?","choices":["Go","Gd","Au","Ag"],"answer":2,"why":"Au comes from the Latin 'aurum'; Ag is silver."},
 {"q":"In which country are the pyramids of Giza?","choices":["Mexico","Egypt","Sudan","Peru"],"answer":1,"why":"They stand on the Giza plateau, next to Cairo."},
 {"q":"At what temperature does water freeze in degrees Fahrenheit?","choices":["0 \u00b0F","32 \u00b0F","100 \u00b0F","-32 \u00b0F"],"answer":1,"why":"32 \u00b0F is 0 \u00b0C."},
 {"q":"Which language has the most native speakers?","choices":["English","Spanish","Hindi","Mandarin Chinese"],"answer":3,"why":"Mandarin has roughly a billion native speakers."},
 {"q":"How many minutes are there in a day?","choices":["1,440","1,200","3,600","86,400"],"answer":0,"why":"24 hours \u00d7 60 minutes = 1,440 (86,400 is the number of seconds)."}
],
"geography": [
 {"q":"What is the capital of Australia?","choices":["Sydney","Melbourne","Canberra","Perth"],"answer":2,"why":"Canberra was built as a compromise between Sydney and Melbourne."},
 {"q":"Which is the longest river in Africa?","choices":["Congo","Niger","Zambezi","Nile"],"answer":3,"why":"The Nile runs about 6,650 km to the Mediterranean."},
 {"q":"What is the capital of Canada?","choices":["Toronto","Ottawa","Vancouver","Montreal"],"answer":1,"why":"Ottawa, in Ontario, has been the capital since 1857."},
 {"q":"Which is the largest country by area?","choices":["Canada","China","Russia","United States"],"answer":2,"why":"Russia spans eleven time zones and about 17 million km\u00b2."},
 {"q":"Mount Everest lies on the border of Nepal and which other country?","choices":["India","China","Bhutan","Pakistan"],"answer":1,"why":"The northern side is in the Tibet region of China."},
 {"q":"Which is the largest hot desert in the world?","choices":["Gobi","Kalahari","Sahara","Arabian"],"answer":2,"why":"The Sahara covers about 9 million km\u00b2 of North Africa."},
 {"q":"In which country is Machu Picchu?","choices":["Peru","Chile","Bolivia","Ecuador"],"answer":0,"why":"The Inca citadel sits high in the Peruvian Andes."},
 {"q":"What is the capital of Brazil?","choices":["Rio de Janeiro","S\u00e3o Paulo","Bras\u00edlia","Salvador"],"answer":2,"why":"Bras\u00edlia was purpose-built and became the capital in 1960."},
 {"q":"Which river flows through Vienna, Budapest and Belgrade?","choices":["Rhine","Danube","Elbe","Vistula"],"answer":1,"why":"The Danube crosses or borders ten countries."},
 {"q":"What is the smallest country in the world?","choices":["Monaco","San Marino","Vatican City","Liechtenstein"],"answer":2,"why":"Vatican City covers less than half a square kilometre."}
],
"science": [
 {"q":"Which gas do plants take in for photosynthesis?","choices":["Oxygen","Nitrogen","Carbon dioxide","Helium"],"answer":2,"why":"Plants turn CO\u2082 and water into sugar, releasing oxygen."},
 {"q":"What is the hardest natural material?","choices":["Quartz","Diamond","Granite","Iron"],"answer":1,"why":"Diamond is carbon in a very rigid crystal lattice."},
 {"q":"Which part of the cell is known as its powerhouse?","choices":["Nucleus","Ribosome","Mitochondrion","Membrane"],"answer":2,"why":"Mitochondria produce most of the cell's ATP."},
 {"q":"Which element has atomic number 1?","choices":["Helium","Hydrogen","Oxygen","Carbon"],"answer":1,"why":"Hydrogen has a single proton."},
 {"q":"How many bones are in an adult human body?","choices":["106","206","306","186"],"answer":1,"why":"Babies have more; some fuse as we grow."},
 {"q":"What is the pH of pure water at 25 \u00b0C?","choices":["0","5","7","14"],"answer":2,"why":"7 is neutral: neither acidic nor basic."},
 {"q":"What is the unit of electrical resistance?","choices":["Volt","Watt","Ampere","Ohm"],"answer":3,"why":"Named after Georg Ohm; V = I \u00d7 R."},
 {"q":"About how fast does light travel in a vacuum?","choices":["300 km/s","3,000 km/s","300,000 km/s","3,000,000 km/s"],"answer":2,"why":"Precisely 299,792.458 km/s."},
 {"q":"What does DNA stand for?","choices":["Deoxyribonucleic acid","Dinitrogen acid","Dual nucleic arrangement","Deoxy nitrate"],"answer":0,"why":"DNA carries the genetic instructions of living things."},
 {"q":"Which planet's gravity keeps the Moon in orbit?","choices":["The Sun's","Earth's","Jupiter's","Mars's"],"answer":1,"why":"The Moon is Earth's natural satellite."}
],
"space": [
 {"q":"Which is the largest planet in the Solar System?","choices":["Saturn","Jupiter","Neptune","Earth"],"answer":1,"why":"Jupiter is more than twice as massive as all the other planets combined."},
 {"q":"What is the closest star to Earth?","choices":["Proxima Centauri","Sirius","The Sun","Polaris"],"answer":2,"why":"The Sun is 150 million km away; Proxima Centauri is next, at 4.2 light-years."},
 {"q":"How long does sunlight take to reach Earth?","choices":["8 seconds","About 8 minutes","About 8 hours","8 days"],"answer":1,"why":"About 8 minutes 20 seconds on average."},
 {"q":"Who was the first person to walk on the Moon?","choices":["Buzz Aldrin","Yuri Gagarin","Neil Armstrong","Michael Collins"],"answer":2,"why":"Apollo 11, 20 July 1969."},
 {"q":"Which planet is famous for its bright rings?","choices":["Saturn","Uranus","Mars","Venus"],"answer":0,"why":"Saturn's rings are mostly ice, with some rock."},
 {"q":"What is the name of our galaxy?","choices":["Andromeda","Milky Way","Triangulum","Whirlpool"],"answer":1,"why":"A barred spiral of some 100 to 400 billion stars."},
 {"q":"Which is the hottest planet?","choices":["Mercury","Venus","Mars","Jupiter"],"answer":1,"why":"Venus's thick CO\u2082 atmosphere traps heat: about 465 \u00b0C."},
 {"q":"How many planets are in the Solar System?","choices":["Seven","Eight","Nine","Ten"],"answer":1,"why":"Pluto was reclassified as a dwarf planet in 2006."},
 {"q":"What are the names of Mars's two moons?","choices":["Io and Europa","Phobos and Deimos","Titan and Rhea","Castor and Pollux"],"answer":1,"why":"Both are small and potato-shaped."},
 {"q":"A light-year is a unit of\u2026","choices":["Time","Speed","Distance","Brightness"],"answer":2,"why":"The distance light travels in a year: about 9.46 trillion km."}
],
"history": [
 {"q":"In which year did the Second World War end?","choices":["1918","1939","1945","1950"],"answer":2,"why":"Germany surrendered in May 1945, Japan in September."},
 {"q":"Who was the first President of the United States?","choices":["Thomas Jefferson","John Adams","Abraham Lincoln","George Washington"],"answer":3,"why":"He served from 1789 to 1797."},
 {"q":"In which year did the French Revolution begin?","choices":["1689","1789","1815","1848"],"answer":1,"why":"The storming of the Bastille was on 14 July 1789."},
 {"q":"In which year did the Berlin Wall fall?","choices":["1961","1979","1989","1991"],"answer":2,"why":"On 9 November 1989 the border crossings opened."},
 {"q":"Who was the first Roman emperor?","choices":["Julius Caesar","Augustus","Nero","Constantine"],"answer":1,"why":"Augustus ruled from 27 BC; Caesar was never emperor."},
 {"q":"In which year was the Magna Carta sealed?","choices":["1066","1215","1492","1603"],"answer":1,"why":"King John agreed to it at Runnymede."},
 {"q":"Which civilisation built Machu Picchu?","choices":["Aztec","Maya","Inca","Olmec"],"answer":2,"why":"Built in the 15th century for the emperor Pachacuti."},
 {"q":"Who wrote 'On the Origin of Species' (1859)?","choices":["Gregor Mendel","Charles Darwin","Isaac Newton","Louis Pasteur"],"answer":1,"why":"It set out evolution by natural selection."},
 {"q":"Which ship sank in 1912 after hitting an iceberg?","choices":["Lusitania","Titanic","Britannic","Mayflower"],"answer":1,"why":"RMS Titanic sank on her maiden voyage."},
 {"q":"Which wall was built to protect China's northern borders?","choices":["Hadrian's Wall","The Great Wall","The Western Wall","The Berlin Wall"],"answer":1,"why":"Built and rebuilt over many dynasties."}
],
"programming": [
 {"q":"What does HTML stand for?","choices":["HyperText Markup Language","High Transfer Machine Language","Hyperlink Text Mode Language","Home Tool Markup Language"],"answer":0,"why":"HTML structures the content of web pages."},
 {"q":"Which character starts a comment in Python?","choices":["//","#","--","%"],"answer":1,"why":"Everything after # on a line is ignored."},
 {"q":"What does CSS mostly control?","choices":["Databases","Page styling and layout","Server routing","Memory"],"answer":1,"why":"Cascading Style Sheets describe how HTML looks."},
 {"q":"In JavaScript, what is typeof null?","choices":["\"null\"","\"undefined\"","\"object\"","\"number\""],"answer":2,"why":"A famous quirk kept for compatibility."},
 {"q":"What does the HTTP status 404 mean?","choices":["Server error","Not found","Forbidden","Moved"],"answer":1,"why":"The server has nothing at that address."},
 {"q":"Which data structure is last in, first out?","choices":["Queue","Stack","Tree","Hash map"],"answer":1,"why":"Like a stack of plates: the last one on comes off first."},
 {"q":"What is 5 in binary?","choices":["100","101","110","111"],"answer":1,"why":"4 + 0 + 1 = 101\u2082."},
 {"q":"Which Git command records staged changes?","choices":["git push","git add","git commit","git merge"],"answer":2,"why":"add stages, commit records, push shares."},
 {"q":"What does SQL stand for?","choices":["Structured Query Language","Simple Question Language","Sequential Query Logic","Server Quick Language"],"answer":0,"why":"The standard language of relational databases."},
 {"q":"What is the time complexity of binary search?","choices":["O(1)","O(log n)","O(n)","O(n\u00b2)"],"answer":1,"why":"Each step halves the range left to search."}
],
"animals": [
 {"q":"What is the largest animal that has ever lived?","choices":["African elephant","Blue whale","Megalodon","Brachiosaurus"],"answer":1,"why":"Blue whales reach about 30 m and 150 tonnes or more."},
 {"q":"How many legs does a spider have?","choices":["Six","Eight","Ten","Twelve"],"answer":1,"why":"Spiders are arachnids, not insects (which have six)."},
 {"q":"What is the fastest land animal?","choices":["Lion","Pronghorn","Cheetah","Greyhound"],"answer":2,"why":"Cheetahs sprint at around 100 km/h."},
 {"q":"What is a baby kangaroo called?","choices":["Cub","Kit","Joey","Calf"],"answer":2,"why":"Joeys live in their mother's pouch for months."},
 {"q":"Which mammal can truly fly?","choices":["Flying squirrel","Bat","Sugar glider","Colugo"],"answer":1,"why":"The others glide; bats flap their wings."},
 {"q":"How many hearts does an octopus have?","choices":["One","Two","Three","Four"],"answer":2,"why":"Two pump blood to the gills, one to the body."},
 {"q":"What do giant pandas mostly eat?","choices":["Fish","Bamboo","Insects","Fruit"],"answer":1,"why":"Bamboo makes up about 99% of their diet."},
 {"q":"What is a group of wolves called?","choices":["A herd","A pride","A pack","A school"],"answer":2,"why":"A pack is usually a family group."},
 {"q":"Which bird is the largest alive today?","choices":["Emu","Albatross","Ostrich","Condor"],"answer":2,"why":"Ostriches can stand 2.7 m tall."},
 {"q":"Which animal is a marsupial?","choices":["Koala","Panda","Sloth","Lemur"],"answer":0,"why":"Koalas carry their young in a pouch."}
]
})json";

} // namespace

nlohmann::json quiz_questions(const std::string& bank) {
  static const auto banks = nlohmann::json::parse(banks_json);
  if (bank == "math")
    return nlohmann::json::array(); // generated in the browser
  auto it = banks.find(bank);
  return it != banks.end() ? *it : banks.at("general");
}

std::string quiz_bank_for(const prompt_traits& t) {
  struct rule {
    const char* bank;
    std::initializer_list<std::string_view> words;
  };
  static const rule rules[] = {
    {"space", {"space", "astronomy", "planet", "planets", "solar system", "espace", "astronomie",
               "planete", "planetes", "stars", "universe", "univers", "cosmos"}},
    {"geography", {"geography", "capitals", "capital", "countries", "country", "geographie",
                   "capitales", "pays", "world", "monde", "flags", "rivers"}},
    {"history", {"history", "historical", "histoire", "historique", "war", "ancient"}},
    {"science", {"science", "sciences", "physics", "chemistry", "biology", "physique", "chimie",
                 "biologie"}},
    {"programming", {"programming", "coding", "code", "javascript", "python", "computer",
                     "computers", "computing", "software", "tech", "technology",
                     "programmation", "informatique", "developer", "developers"}},
    {"animals", {"animals", "animal", "animaux", "wildlife", "nature", "zoo", "pets"}},
    {"math", {"math", "maths", "mathematics", "arithmetic", "mathematiques", "calcul",
              "multiplication", "multiplications", "addition", "times tables", "mental"}}};
  // The topic phrase decides first, then any word of the prompt.
  const auto topic = analyse_prompt(t.topic);
  for (const prompt_traits* source : {&topic, &t})
    for (auto& r : rules)
      for (auto w : r.words)
        if (source->find(w) >= 0)
          return r.bank;
  return "";
}

} // namespace spawn

#include "tests/doubles/instant_generator.hpp"

namespace spawn::test {

caf::expected<generated_app> instant_generator::generate(const generation_request& req) {
  generated_app app;
  app.title = "Instant";
  app.template_name = "instant";
  app.entry = "index.html";
  app.backend = "instant";
  app.files.push_back({"index.html", "<!doctype html><title>Instant</title><p>"
                                       + std::to_string(req.prompt.size()) + " characters asked"});
  return app;
}

} // namespace spawn::test

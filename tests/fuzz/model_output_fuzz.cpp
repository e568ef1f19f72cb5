// libFuzzer target for the LLM output parser (core/model_output.hpp) and the
// SSE parser (core/sse.hpp). Build and run: see README "Generation backends".
// Whatever the parser accepts must satisfy the contract; anything else aborts.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/model_output.hpp"
#include "core/sse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  for (auto type : {spawn::app_type::webapp, spawn::app_type::api}) {
    auto app = spawn::parse_model_output(text, type);
    if (!app)
      continue;
    if (spawn::validate_app(*app))
      std::abort();
    for (auto& f : app->files)
      if (!spawn::is_safe_relative_path(f.path) || !spawn::is_text_content(f.content))
        std::abort();
    if (type == spawn::app_type::api && (app->run.size() < 2 || app->run[0] != "node"))
      std::abort();
  }
  size_t events = 0;
  spawn::sse_parser sse{[&](const spawn::sse_event&) { ++events; }, 4096};
  sse.feed(text.substr(0, size / 2));
  sse.feed(text.substr(size / 2));
  if (events != sse.events())
    std::abort();
  return 0;
}

#include "actors/session_accounting.hpp"
#include "core/metric_names.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/session.hpp"
#include "actors/session_steps.hpp"
#include "core/cost_model.hpp"
#include "core/error.hpp"

namespace spawn::accounting {

namespace {

using nlohmann::json;

/// Sets (or with null, removes) `key` in a record's metadata JSON text.
void set_meta(session_record& rec, const std::string& key, const json& value) {
  auto meta = json::parse(rec.metadata, nullptr, false);
  if (!meta.is_object())
    meta = json::object();
  if (value.is_null())
    meta.erase(key);
  else
    meta[key] = value;
  rec.metadata = meta.dump();
}

/// Metadata both in the record being driven and in what readers see now:
/// queue places and running costs are facts of this moment, not transitions.
void set_visible_meta(self_ptr self, const std::string& key, const json& value) {
  set_meta(self->state.record, key, value);
  set_meta(self->state.visible, key, value);
}

double hourly_of(self_ptr self) {
  auto& cfg = *self->state.ctx.cfg;
  auto i = cfg.tiers.find(self->state.record.tier);
  return i != cfg.tiers.end() ? i->second.hourly_usd : 0.0;
}

/// What the generation cost as the backends reported it (the session's
/// `generation_cost_usd`); the offline template generator costs nothing.
double generation_cost(self_ptr self) {
  auto usd = self->state.record.generation_cost_usd;
  return usd > 0 ? usd : 0.0;
}

/// The session's bill from its creation to `end`; its compute line names the
/// node and the host it ran on (the lease's, else the last one it had).
std::vector<cost_item> bill(self_ptr self, epoch_ms end) {
  auto& st = self->state;
  if (st.lease)
    st.acct.host = st.lease->container.host == "local" ? "" : st.lease->container.host;
  auto items = cost_items_of(hourly_of(self), st.record.created_at, end, generation_cost(self));
  for (auto& i : items) {
    i.node_id = st.ctx.cfg->node_id;
    if (i.kind == "compute")
      i.host_id = st.acct.host;
  }
  return items;
}

json items_json(const std::vector<cost_item>& items) {
  json arr = json::array();
  for (auto& i : items)
    arr.push_back({{"kind", i.kind},
                   {"quantity", i.quantity},
                   {"unit", i.unit},
                   {"unit_price_usd", i.unit_price},
                   {"amount_usd", i.amount}});
  return arr;
}

void emit(self_ptr self, const std::string& level, const std::string& message) {
  session_steps::emit(self, level, message);
}

void arm_accrual(self_ptr self) {
  auto& a = self->state.acct;
  self->delayed_send(self, std::chrono::milliseconds{self->state.ctx.cfg->cost_interval_ms},
                     atoms::accrue::value, a.accrual_gen);
}

json time_json(epoch_ms t) {
  return t > 0 ? json(iso8601(t)) : json(nullptr);
}

} // namespace

void on_start(self_ptr self) {
  auto& st = self->state;
  st.acct.state_gauge.move_to(std::string{to_string(st.record.state)});
  st.acct.phase_since = now_ms();
  ++st.acct.accrual_gen;
  arm_accrual(self);
}

void on_transition(self_ptr self, phase from, phase to) {
  auto& a = self->state.acct;
  auto now = now_ms();
  if (a.phase_since > 0)
    metrics::global().observe(metrics::names::phase_duration,
                              {{"phase", std::string{to_string(from)}}},
                              double(now - a.phase_since) / 1000.0);
  a.phase_since = now;
  a.state_gauge.move_to(std::string{to_string(to)});
  if (to == phase::destroyed)
    metrics::global().inc(metrics::names::sessions_destroyed);
}

void on_failure(self_ptr self, const std::string& where) {
  metrics::global().inc(metrics::names::session_failures, {{"phase", where}});
  (void)self;
}

void on_running(self_ptr self, int64_t took_ms) {
  metrics::global().observe(metrics::names::time_to_app,
                            {{"app_type", std::string{to_string(self->state.record.type)}}},
                            double(took_ms) / 1000.0);
}

void on_container(self_ptr self, bool held) {
  auto& st = self->state;
  auto& a = st.acct;
  if (held && st.lease)
    a.host = st.lease->container.host == "local" ? "" : st.lease->container.host;
  if (held)
    a.container_gauge.move_to("app");
  else
    a.container_gauge = metrics::gauge_slot{metrics::names::containers, "kind"};
}

bool may_generate(self_ptr self, std::function<void()> then) {
  auto& st = self->state;
  auto& a = st.acct;
  if (!st.ctx.gen_queue || a.gen_slot)
    return true;
  a.on_granted = std::move(then);
  if (a.gen_asked)
    return false; // already in line: the grant will run `then`
  a.gen_asked = true;
  a.queued_since = now_ms();
  self->request(st.ctx.gen_queue, std::chrono::seconds{10}, atoms::genslot::value, st.record.id,
                caf::actor_cast<queue_listener_actor>(self))
    .then(
      [=](int pos) {
        auto& acct = self->state.acct;
        if (pos == 0) {
          on_granted(self);
          return;
        }
        acct.queue_position = pos;
        set_visible_meta(self, "queue_position", pos);
        metrics::global().inc(metrics::names::generations_queued);
        emit(self, "info",
             "Waiting for a generation slot: position " + std::to_string(pos) + " (at most "
               + std::to_string(self->state.ctx.cfg->max_generations)
               + " generations at once on this node)");
      },
      [=](caf::error& err) {
        // No queue to answer: generate anyway rather than hang the session.
        spdlog::warn("session {}: the generation queue did not answer ({}); generating anyway",
                     self->state.record.id, message_of(err));
        auto& acct = self->state.acct;
        acct.gen_asked = false;
        acct.gen_slot = true;
        if (auto f = std::move(acct.on_granted))
          f();
      });
  return false;
}

void on_granted(self_ptr self) {
  auto& st = self->state;
  auto& a = st.acct;
  auto s = st.record.state;
  if (s == phase::failed || s == phase::destroying || s == phase::destroyed) {
    a.gen_slot = true;
    generation_done(self, "");
    return;
  }
  a.gen_slot = true;
  a.gen_asked = false;
  auto waited = now_ms() - a.queued_since;
  metrics::global().observe(metrics::names::generation_queue_wait, {}, double(waited) / 1000.0);
  if (a.queue_position > 0) {
    a.queue_position = 0;
    set_visible_meta(self, "queue_position", nullptr);
    emit(self, "info",
         "Generation slot granted after " + std::to_string(waited) + " ms in the queue");
  }
  if (auto f = std::move(a.on_granted))
    f();
}

void on_queue_moved(self_ptr self, int position) {
  auto& a = self->state.acct;
  if (a.gen_slot || !a.gen_asked || position <= 0 || position == a.queue_position)
    return;
  a.queue_position = position;
  set_visible_meta(self, "queue_position", position);
  emit(self, "info", "Generation queue: now position " + std::to_string(position));
}

void generation_done(self_ptr self, const std::string& result) {
  auto& st = self->state;
  auto& a = st.acct;
  if (!result.empty())
    metrics::global().inc(metrics::names::generations, {{"result", result}});
  if (st.ctx.gen_queue && (a.gen_slot || a.gen_asked))
    self->send(st.ctx.gen_queue, atoms::genfree::value, st.record.id);
  a.gen_slot = false;
  a.gen_asked = false;
  a.on_granted = nullptr;
  if (a.queue_position > 0) {
    a.queue_position = 0;
    set_visible_meta(self, "queue_position", nullptr);
  }
}

void accrue(self_ptr self, uint64_t gen) {
  auto& st = self->state;
  auto& a = st.acct;
  if (gen != a.accrual_gen || st.record.state == phase::destroyed)
    return;
  auto items = bill(self, now_ms());
  auto total = total_of(items);
  st.record.actual_cost = total;
  st.visible.actual_cost = total;
  set_visible_meta(self, "cost_items", items_json(items));
  self->request(st.ctx.stores.for_key(st.record.id), std::chrono::seconds{30},
                atoms::costs::value, st.record.id, total, std::vector<cost_item>{})
    .then([](bool) {},
          [id = st.record.id](caf::error& err) {
            spdlog::warn("session {}: cannot store its running cost: {}", id, message_of(err));
          });
  auto ratio = st.ctx.cfg->cost_overrun_ratio;
  if (!a.overrun_warned && cost_overrun(total, st.record.estimated_cost, ratio)) {
    a.overrun_warned = true;
    metrics::global().inc(metrics::names::cost_overruns);
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "Cost overrun: $%.6f spent, more than %.0f %% of the $%.6f estimated", total,
                  ratio * 100, st.record.estimated_cost);
    spdlog::warn("session {}: {}", st.record.id, buf);
    emit(self, "warn", buf);
  }
  arm_accrual(self);
}

void finalize(self_ptr self) {
  auto& st = self->state;
  auto& rec = st.record;
  auto end = rec.destroyed_at > 0 ? rec.destroyed_at : now_ms();
  auto items = bill(self, end);
  rec.actual_cost = total_of(items);
  set_meta(rec, "cost_items", items_json(items));
  set_meta(rec, "queue_position", nullptr);
  ++st.acct.accrual_gen; // no more accruals
  metrics::global().inc(metrics::names::cost_usd, {}, rec.actual_cost);
  // Tokens are counted once per session, with its final bill.
  metrics::global().inc(metrics::names::generation_tokens, {{"direction", "input"}},
                        double(rec.input_tokens));
  metrics::global().inc(metrics::names::generation_tokens, {{"direction", "output"}},
                        double(rec.output_tokens));
  self->request(st.ctx.stores.for_key(rec.id), std::chrono::seconds{30}, atoms::costs::value,
                rec.id, rec.actual_cost, items)
    .then([](bool) {},
          [id = rec.id](caf::error& err) {
            spdlog::warn("session {}: cannot store its cost items: {}", id, message_of(err));
          });
}

std::string describe(self_ptr self) {
  auto& st = self->state;
  auto& a = st.acct;
  auto& rec = st.record;
  json attempts = json::object();
  for (auto& [step, n] : st.attempts)
    attempts[to_string(step)] = n;
  json container = nullptr;
  if (st.lease)
    container = {{"id", st.lease->container.id},
                 {"name", st.lease->container.name},
                 {"host_port", st.lease->container.host_port},
                 {"host", st.lease->container.host},
                 {"address", st.lease->container.address},
                 {"warm", st.lease->warm}};
  json app = nullptr;
  if (st.app)
    app = {{"title", st.app->title},
           {"template", st.app->template_name},
           {"files", st.app->files.size()}};
  return json{{"id", rec.id},
              {"phase", std::string{to_string(rec.state)}},
              {"visible_phase", std::string{to_string(st.visible.state)}},
              {"since", time_json(a.phase_since)},
              {"message", rec.message},
              {"pending",
               {{"acquiring", st.calls.count(session_step::provisioning) > 0},
                {"generating", st.calls.count(session_step::generation) > 0},
                {"deploying", st.calls.count(session_step::deploying) > 0},
                {"routing", st.calls.count(session_step::edge) > 0},
                {"writes_queued", st.writes.size()},
                {"finish_pending", st.teardown == teardown_phase::awaiting_lease},
                {"generation_slot", a.gen_slot},
                {"waiting_for_generation_slot", a.gen_asked && !a.gen_slot}}},
              {"queue_position", a.queue_position > 0 ? json(a.queue_position) : json(nullptr)},
              {"attempts", attempts},
              {"children",
               {{"provisioner", static_cast<bool>(st.provisioner)},
                {"generator", static_cast<bool>(st.generator)},
                {"timer", static_cast<bool>(st.timer)}}},
              {"container", container},
              {"app", app},
              {"subscribers", st.subscribers.size()},
              {"events", st.events.size()},
              {"created_at", time_json(rec.created_at)},
              {"expires_at", time_json(rec.expires_at)},
              {"costs",
               {{"estimated_usd", rec.estimated_cost},
                {"actual_usd", rec.actual_cost},
                {"overrun_warned", a.overrun_warned}}},
              {"mailbox_size", self->mailbox().size()}}
    .dump();
}

} // namespace spawn::accounting

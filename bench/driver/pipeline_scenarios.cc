// The pipelined scenarios, over the baseline socket: the client sends
// `depth` requests (uds-pipeline) or `depth` batches of 2..1000 items
// (uds-pipeline-batch) before reading any answer, then reads all `depth`
// answers; one round trip is the whole pipeline. Level 2 calls wait for
// each answer, so this is the Level 1 session's raw send()/receive(), with
// the client's InFlightSet checking that every answer matches a request
// still outstanding. The servers are the ping-pong ones: a managed server
// answers a session's requests in order.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "bench/driver/batch_sizes.h"
#include "bench/driver/level2_setup.h"
#include "bench/driver/measurement.h"
#include "bench/driver/scenarios.h"
#include "codecs/increment.h"
#include "framing/in_flight.h"
#include "framing/nipc.h"
#include "netipc/wire/batch.h"
#include "services/handshake_configs.h"
#include "sessions/session.h"
#include "transports/default_baseline.h"

namespace netipc::bench::driver {

namespace {

using PipelineSession = Session<transports::DefaultBaseline, framing::Nipc, codecs::Increment>;

// One request of the pipeline: its id and the values it carries.
struct Outstanding {
    std::uint64_t message_id = 0;
    std::uint64_t first_value = 0;
    std::uint32_t items = 0;
};

class PipelineClient {
public:
    PipelineClient(PipelineSession session, std::uint32_t depth, bool batches)
        : session_(std::move(session)),
          batches_(batches),
          outstanding_(depth),
          in_flight_(depth),
          payload_(batch_payload_bytes) {}

    // One pipeline: `depth` requests out, `depth` answers in, every value
    // checked. The items completed, or nullopt (said why on stderr).
    std::optional<std::uint64_t> round_trip() {
        for (auto& request : outstanding_) {
            request.message_id = next_message_id_++;
            request.first_value = counter_;
            request.items = batches_ ? sizes_.next() : 1;
            counter_ += request.items;
            if (!send(request)) {
                return std::nullopt;
            }
        }
        std::uint64_t items = 0;
        for (std::size_t answered = 0; answered < outstanding_.size(); ++answered) {
            auto done = receive_one();
            if (!done) {
                return std::nullopt;
            }
            items += *done;
        }
        return items;
    }

private:
    bool send(const Outstanding& request) {
        std::size_t length = 0;
        if (request.items == 1) {
            length = codecs::Increment::encode_request(request.first_value, payload_).value_or(0);
        } else {
            auto batch = wire::BatchBuilder::sized(payload_, request.items);
            for (std::uint32_t i = 0; i < request.items; ++i) {
                auto slot = batch.reserve(codecs::Increment::payload_size);
                if (!slot || !codecs::Increment::encode_request(request.first_value + i, *slot)) {
                    (void)std::fprintf(stderr, "pipeline: cannot encode a batch of %u\n",
                                       request.items);
                    return false;
                }
            }
            length = batch.finish().value_or(0);
        }
        auto header = wire::make_request_header(codecs::Increment::method, request.message_id,
                                                static_cast<std::uint32_t>(length));
        if (request.items > 1) {
            header.flags = wire::flags::batch;
            header.item_count = request.items;
        }
        if (auto added = in_flight_.add(request.message_id); !added) {
            return complain("in flight", added.error());
        }
        if (auto sent = session_.send(header, wire::Bytes(payload_.data(), length),
                                      Deadline::after(services::defaults::call_timeout));
            !sent) {
            return complain("send", sent.error());
        }
        return true;
    }

    // Receives one answer and checks it against its request; the items it
    // answered.
    std::optional<std::uint32_t> receive_one() {
        auto answer = session_.receive(Deadline::after(services::defaults::call_timeout));
        if (!answer) {
            complain("receive", answer.error());
            return std::nullopt;
        }
        const wire::MessageHeader& header = answer->header;
        if (auto completed = in_flight_.complete(header.message_id); !completed) {
            complain("answer", completed.error());
            return std::nullopt;
        }
        const Outstanding* request = nullptr;
        for (const auto& candidate : outstanding_) {
            if (candidate.message_id == header.message_id) {
                request = &candidate;
            }
        }
        if (request == nullptr || header.kind != wire::MessageKind::response
            || header.transport_status != wire::TransportStatus::ok
            || header.item_count != request->items) {
            (void)std::fprintf(stderr, "pipeline: answer %llu is not an OK answer of %u items\n",
                               static_cast<unsigned long long>(header.message_id),
                               request == nullptr ? 0U : request->items);
            return std::nullopt;
        }
        if (request->items == 1) {
            return check(*request, 0, answer->payload) ? std::optional<std::uint32_t>(1)
                                                       : std::nullopt;
        }
        auto items = wire::BatchView::parse(answer->payload, header.item_count);
        if (!items) {
            complain("batch answer", items.error());
            return std::nullopt;
        }
        for (std::uint32_t i = 0; i < request->items; ++i) {
            if (!check(*request, i, (*items)[i])) {
                return std::nullopt;
            }
        }
        return request->items;
    }

    static bool check(const Outstanding& request, std::uint32_t index, wire::Bytes item) {
        auto view = codecs::Increment::decode_response(item);
        const std::uint64_t sent = request.first_value + index;
        if (!view || view->value != sent + 1) {
            (void)std::fprintf(stderr,
                               "pipeline: item %u of request %llu: sent %llu, wrong answer\n",
                               index, static_cast<unsigned long long>(request.message_id),
                               static_cast<unsigned long long>(sent));
            return false;
        }
        return true;
    }

    static bool complain(const char* what, const Error& error) {
        (void)std::fprintf(stderr, "pipeline %s: %s\n", what, error.message().c_str());
        return false;
    }

    PipelineSession session_;
    bool batches_;
    std::vector<Outstanding> outstanding_;
    framing::InFlightSet in_flight_;
    std::vector<std::byte> payload_;
    BatchSizes sizes_;
    std::uint64_t next_message_id_ = 1;
    std::uint64_t counter_ = 0;
};

int run_pipeline(const ClientArgs& args, bool batches) {
    services::CeilingProposal ceilings;
    ceilings.request_payload_bytes = batch_payload_bytes;
    ceilings.response_payload_bytes = batch_payload_bytes;
    ceilings.batch_items = batches ? max_batch_items : 1;
    const auto config = services::client_handshake_config(
        client_config(args, Plane::uds), ceilings, transports::DefaultBaseline::profile_bits);
    auto session = retry_connect_made(args, [&] {
        return PipelineSession::connect({args.run_dir, args.service}, config,
                                        Deadline::after(services::defaults::connect_timeout));
    });
    if (!session) {
        return 1;
    }
    PipelineClient client(std::move(*session), args.depth, batches);
    Measurement measurement;
    measure(args, [&] { return client.round_trip(); }, measurement);
    return report(std::string(batches ? "uds-pipeline-batch-d" : "uds-pipeline-d")
                      + std::to_string(args.depth),
                  measurement);
}

} // namespace

int run_pipeline_client(const ClientArgs& args) {
    return run_pipeline(args, false);
}

int run_pipeline_batch_client(const ClientArgs& args) {
    return run_pipeline(args, true);
}

} // namespace netipc::bench::driver

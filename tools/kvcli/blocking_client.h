// Deprecated: the old name of client/frame_connection.h, kept only until
// tests/servers/integration/test_client.* include that header instead.
// Delete this file then.
#pragma once

#include "client/frame_connection.h"

namespace kv {

using BlockingClient = FrameConnection;

}  // namespace kv

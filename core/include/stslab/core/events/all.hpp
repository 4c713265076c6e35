// Every typed journal event.
#pragma once

#include "stslab/core/events/dns.hpp"
#include "stslab/core/events/harness.hpp"
#include "stslab/core/events/https.hpp"
#include "stslab/core/events/mitm.hpp"
#include "stslab/core/events/mta.hpp"
#include "stslab/core/events/smtp.hpp"

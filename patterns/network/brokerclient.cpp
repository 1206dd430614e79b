// SPDX-License-Identifier: GPL-3.0-or-later
#include "brokerclient.h"

#include <algorithm>

namespace PatternScope {

namespace {
constexpr qint64 kMaxWaitMs = 30'000;
}

BrokerClient::BrokerClient(const Options& options, QObject* parent)
    : QObject(parent)
    , m_options(options)
{
    m_retry.setSingleShot(true);
    m_retry.setTimerType(Qt::PreciseTimer);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        if (!m_stopping)
            reconnect();
    });
}

BrokerClient::~BrokerClient() = default;

void BrokerClient::scheduleReconnect()
{
    if (m_stopping)
        return;
    const qint64 first = m_backoff ? m_backoff() : 1000;
    m_nextWaitMs = m_nextWaitMs == 0 ? first : std::min(kMaxWaitMs, m_nextWaitMs * 2);
    m_retry.start(int(m_nextWaitMs));
}

} // namespace PatternScope

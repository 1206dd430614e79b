// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "feedpattern.h"

namespace PatternScope {

// The client asks every poll interval; the server answers at once, empty or with what is new.
class ShortPolling : public FeedPattern {
    Q_OBJECT
public:
    explicit ShortPolling(const PatternContext& context, QObject* parent = nullptr);
    static PatternInfo info();
    QStringList tryItOut() const override;

protected:
    void handle(
        const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival) override;
    FeedClient* createClient(int participant, quint16 port, quint64 seed) override;
};

} // namespace PatternScope

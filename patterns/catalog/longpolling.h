// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "feedpattern.h"

#include <QTimer>
#include <map>

namespace PatternScope {

// The client asks; the server holds the request until there is something newer than the cursor or
// the hold timeout passes, and the client asks again at once.
class LongPolling : public FeedPattern {
    Q_OBJECT
public:
    explicit LongPolling(const PatternContext& context, QObject* parent = nullptr);
    ~LongPolling() override;
    static PatternInfo info();
    QStringList tryItOut() const override;

protected:
    void handle(
        const HttpRequest& request, const std::shared_ptr<HttpExchange>& exchange, const Arrival& arrival) override;
    FeedClient* createClient(int participant, quint16 port, quint64 seed) override;
    void itemProduced(const Item& item) override;
    void serverStopping() override;

private:
    struct Held {
        std::shared_ptr<HttpExchange> exchange;
        Arrival arrival;
        qint64 since = 0;
        qint64 activation = -1;
        QTimer* timeout = nullptr; // from keepOpen()
    };
    // Callbacks name a held poll by its key, so one already answered is simply not found.
    std::map<qint64, Held>::iterator forget(qint64 key);
    void release(qint64 key, const Backlog& page, const QString& emptyWord);

    std::map<qint64, Held> m_held;
    qint64 m_nextKey = 0;
};

} // namespace PatternScope

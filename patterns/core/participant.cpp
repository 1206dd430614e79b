// SPDX-License-Identifier: GPL-3.0-or-later
#include "participant.h"

#include <algorithm>
#include <array>

namespace PatternScope {

namespace {

constexpr std::array<const char*, 6> kRoleNames { { "client", "server", "broker", "publisher", "subscriber",
    "external" } };

// Left to right: who starts conversations, who answers them, who only listens.
int lifelineGroup(Participant::Role role)
{
    switch (role) {
    case Participant::Role::Client:
    case Participant::Role::Publisher:
    case Participant::Role::External:
        return 0;
    case Participant::Role::Server:
    case Participant::Role::Broker:
        return 1;
    case Participant::Role::Subscriber:
        return 2;
    }
    return 0;
}

} // namespace

QString roleName(Participant::Role role)
{
    return QLatin1String(kRoleNames[static_cast<size_t>(role)]);
}

bool roleFromName(QStringView name, Participant::Role* role)
{
    for (size_t i = 0; i < kRoleNames.size(); ++i) {
        if (name == QLatin1String(kRoleNames[i])) {
            *role = static_cast<Participant::Role>(i);
            return true;
        }
    }
    return false;
}

std::vector<int> lifelineOrder(const std::vector<Participant>& participants)
{
    std::vector<int> order(participants.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = int(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return lifelineGroup(participants[size_t(a)].role) < lifelineGroup(participants[size_t(b)].role);
    });
    return order;
}

} // namespace PatternScope

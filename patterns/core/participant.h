// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaType>
#include <QString>
#include <QStringView>
#include <vector>

namespace PatternScope {

// One lifeline of the diagram.
struct Participant {
    enum class Role { Client, Server, Broker, Publisher, Subscriber, External };

    int id = -1;
    QString name;
    Role role = Role::Client;

    friend bool operator==(const Participant& a, const Participant& b)
    {
        return a.id == b.id && a.name == b.name && a.role == b.role;
    }
};

QString roleName(Participant::Role role);
bool roleFromName(QStringView name, Participant::Role* role);

// Indexes into `participants` in lifeline order, left to right, for the view and every export alike:
// those who start conversations (clients, publishers, outside clients) on the left, the server or
// broker in the middle, subscribers on the right; recording order within each group.
std::vector<int> lifelineOrder(const std::vector<Participant>& participants);

} // namespace PatternScope

Q_DECLARE_METATYPE(PatternScope::Participant)

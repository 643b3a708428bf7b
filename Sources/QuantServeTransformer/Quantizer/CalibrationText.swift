/// Sentences whose activations set the smoothing factors: customer-service requests, general
/// prose, other languages, numbers and code, from one word to a long paragraph.
enum CalibrationText {
    static let sentences: [String] = [
        "Hi",
        "yes please",
        "Cancel it.",
        "How can I change the email address on my account?",
        "I was charged for a plan I never signed up for, and I would like the money back.",
        "My parcel has been stuck in transit for nine days; the tracking page hasn't changed since Monday.",
        "Could you tell me whether the warranty covers water damage to the charging port?",
        "The login code never arrives by SMS, so I can't get into the app at all.",
        "I'd like to move my delivery to next Friday afternoon if that's possible.",
        "Is there any way to merge two accounts that were created with different emails?",
        "Your agent promised a callback yesterday and nobody called. Very disappointing!!",
        "Great service, the replacement arrived in two days. Thanks a lot :)",
        "Where can I download last month's invoice as a PDF?",
        "The coffee machine leaks from the bottom after every second cup.",
        "What's the difference between the basic and the premium subscription?",
        "Please update my shipping address to 221B Baker Street, London NW1 6XE.",
        "A quiet village lies between the river and the old forest, far from any highway.",
        "Researchers measured the boiling point of the solution at several pressures.",
        "The committee postponed its decision until more data becomes available.",
        "He plays the violin every evening after dinner.",
        "Quarterly revenue grew 12% year over year, driven by strong demand in Asia.",
        "¿Puedo cambiar el método de pago de mi pedido?",
        "Je n'arrive pas à me connecter à mon compte depuis ce matin.",
        "Können Sie mir bitte eine Rechnung mit meiner Steuernummer schicken?",
        "Il pacco è arrivato aperto e mancano due articoli.",
        "为什么我的退款还没有到账？",
        "パスワードを忘れました。",
        "Order 88-1042-X, SKU 5512, qty 3, total $149.97",
        "for (i = 0; i < n; i++) { sum += values[i]; }",
        "ok ok ok ok ok ok ok ok ok",
        """
        I am writing about a recurring issue with my home internet service. Every evening between seven and eleven \
        the connection drops several times an hour, which makes video calls and streaming impossible. I have already \
        restarted the router, replaced the cable, and moved the router closer to the window as your technician suggested. \
        The status page says there is no outage in my area, yet my neighbours report the same problem. I work from home, \
        so this is costing me real money. I would like a technician to visit, a credit for the days the service has not \
        worked properly, and a clear explanation of what is causing the drops. Please let me know the earliest date you \
        can send someone, and whether I need to be at home for the visit.
        """,
        """
        The museum's new wing opens next spring. It will house a collection of maps, navigation instruments and ship \
        models donated by a local family, along with interactive displays that explain how sailors once crossed oceans \
        using only the stars, a compass and careful arithmetic.
        """,
    ]
}

"""Smart keyboard: next-word prediction for a phone keyboard, personalised on the user's own typing.

Each keystroke asks a language model for the next three words, shown in the suggestion strip. The
design question: does the model run on the phone or in the cloud, and is it personalised by
training on the phone (federated: only model updates leave it) or on the server (the typing
history is uploaded)? The variants below move the model and the trainer, and take the home Wi-Fi
away to show what the cellular link costs. Figures are per the README's table of sources.

Sources (values marked "assumed" are ours, for the review to question):
[K] C. Kaestner, "Deploying a Model", Machine Learning in Production lecture notes (CMU 17-445/645):
    the smart keyboard as a deployment case, 200 ms noticeable as a pause, cellular data about 10 USD/GB.
[H] G. Hulten, Building Intelligent Systems, Apress 2018, ch. 13 "Where Intelligence Lives":
    client-side intelligence and the cost of distributing model updates to every client.
[W] H. Washizaki et al., "Software-Engineering Design Patterns for Machine Learning Applications",
    IEEE Computer 55(3), 2022: the federated learning pattern.
"""

from archkit import Component, Flow, Link, Model, Node, System, Variant

with System(
    "Smart keyboard",
    description="Keystrokes -> next-word suggestions on the phone; the model learns from each user's typing.",
    version="1.0",
    users=1_000_000,  # assumed: a keyboard app with a million users
    peak_active_share=0.05,  # assumed: 5 % of the users type at the same time at peak
    usage_hours_per_day=0.5,  # assumed: half an hour of typing per user and day
    requirements=["latency(suggest) <= 100 ms"],  # assumed budget, see the flow
    objectives=["minimize cost"],
) as system:
    with Node(
        "phone", kind="mobile", name="User's phone",
        memory="4 GB", storage="64 GB", cpu_cores=8,  # assumed mid-range phone
        battery="15 Wh", power="3 W",  # assumed
        per_user=1,
        availability=0.995,  # assumed
    ):
        keyboard = Component(
            "keyboard", kind="ui", name="Keyboard",
            description="Draws the keys and the suggestion strip; asks for suggestions on every keystroke",
            language="kotlin", memory="60 MB",  # assumed
            data_sensitivity="sensitive")  # typed text includes messages and passwords
        next_word = Model(
            "next_word", name="Next-word model",
            description="Small language model that proposes the next three words",
            task="next-word prediction",
            framework="tflite",
            inputs=[{"name": "context", "type": "string", "unit": "UTF-8 text", "meaning": "the sentence typed so far"}],
            outputs=[{"name": "suggestions", "type": "list[string]", "meaning": "three most likely next words"}],
            size="5 MB",  # assumed: a quantised recurrent language model
            memory="20 MB",  # assumed
            inference_time={
                "mobile": "8..20 ms",  # assumed: one step of a small recurrent model on a phone core
                "cloud": "2..5 ms",  # assumed: the same model on a server core
            },
            update_period="7 d",  # assumed: one federated round a week
            intended_use="Suggest the next word while the user types, in the user's language",
            limitations=["new slang until the next round", "languages with little training text"],
            ethical_considerations=["typed text is private; it must not leave the phone"],
            ip_sensitive=False,  # assumed: a small language model is not the product's secret
            language="c++", stateless=True, cpus=1,
            owner="keyboard ml team", version="lm-2026.12",
            properties={"feedback_loop": "accepted suggestions become training text; "
                                         "the acceptance rate is watched per round before release"},
        )
        history = Component(
            "typing_history", kind="datastore", name="Typing history",
            description="The user's recent text and accepted suggestions, kept on the phone",
            processing_time="1..2 ms",  # assumed: append a word to a local database
            memory="10 MB", storage="50 MB",  # assumed
            data_sensitivity="sensitive")
        local_training = Component(
            "local_training", kind="training_pipeline", name="On-device training",
            description="Fine-tunes the model on the typing history at night while the phone charges",
            language="c++", memory="200 MB",  # assumed
            processing_time="60..300 s",  # assumed: one local epoch over a day of text
            properties={"responsibilities": ["train", "evaluate"]})

    with Node(
        "cloud", kind="cloud", name="Cloud region",
        cpu_cores=16, memory="64 GB", storage="1 TB",  # assumed
        cost_per_hour="0.80 USD/h",  # assumed on-demand price of a 16-core server
        count=4,  # assumed
        availability=0.999,  # assumed
    ):
        aggregator = Component(
            "aggregator", kind="training_pipeline", name="Update aggregator",
            description="Averages the model updates of the round into the next global model",
            language="python", cpus=4, memory="8 GB", replicas=2,  # assumed
            processing_time="50..200 ms",  # assumed: folding one update into the running average
            properties={"responsibilities": ["train", "evaluate"]})
        registry = Component(
            "model_registry", kind="model_registry", name="Model registry",
            description="Holds released model versions for download",
            processing_time="5..20 ms",  # assumed: look up a version and hand out a download address
            cpus=0.5, memory="1 GB", storage="100 GB", replicas=2)  # assumed
        telemetry = Component(
            "telemetry", kind="telemetry", name="Usage telemetry",
            description="Counts shown and accepted suggestions and their latency, per model version",
            processing_time="1..3 ms", cpus=0.5, memory="500 MB", stateless=True,  # assumed
            autoscaling={"min_replicas": 2, "max_replicas": 8})

    # Links -----------------------------------------------------------------------------------
    Link("phone", "cloud", medium="wifi", id="phone-cloud-wifi",
         bandwidth="20..100 Mbit/s",  # assumed home broadband
         latency="10..30 ms",  # assumed
         intermittent=True, availability=0.5,  # assumed: at home half of the time
         description="Home Wi-Fi and broadband; unmetered")
    Link("phone", "cloud", medium="cellular", id="phone-cloud-cellular",
         bandwidth="5..20 Mbit/s",  # assumed mobile data rates
         latency="30..100 ms",  # assumed
         cost_per_gb="10 USD/GB",  # [K]: cellular data about 10 USD/GB
         intermittent=True, availability=0.95)  # assumed coverage

    # Connectors --------------------------------------------------------------------------------
    predict = (keyboard >> next_word).set(
        kind="sync_call",
        request_size="1 kB",  # assumed: the sentence so far
        response_size="0.2 kB",  # assumed: three words
        rate="5 /s",  # assumed: five keystrokes a second while typing
        data_sensitivity="sensitive")
    remember = (keyboard >> history).set(
        kind="async_message", op="write", purpose="feedback",
        request_size="0.1 kB", rate="0.5 /s",  # assumed: a typed or accepted word every two seconds
        description="Typed words and which suggestion was accepted")
    learn = (local_training >> history).set(
        kind="batch_transfer", op="read", purpose="training",
        request_size="100 kB", rate="1 /day")  # assumed: a day of typed text
    upload = (local_training >> aggregator).set(
        kind="batch_transfer", purpose="training",
        request_size="1 MB",  # assumed: a compressed model update
        rate="1 /week",
        data_sensitivity="internal",  # assumed: an update, not the text; secure aggregation would back this up
        description="Model update (weight deltas) of one phone for this round")
    publish = (aggregator >> registry).set(
        kind="batch_transfer", purpose="model_artifact", request_size="5 MB", rate="1 /week")
    update = (registry >> next_word).set(
        kind="batch_transfer", purpose="model_artifact", request_size="5 MB", rate="1 /week",
        description="Weekly download of the new global model to every phone")
    usage = (keyboard >> telemetry).set(
        kind="async_message", purpose="telemetry",
        request_size="2 kB", rate="1 /min",  # assumed: one batch of counters a minute while typing
        data_sensitivity="internal",
        description="Counts of shown and accepted suggestions, latency, model version")

    # Flows ---------------------------------------------------------------------------------------
    Flow("suggest", name="keystroke -> suggestions", steps=[predict],
         rate="5 /s",
         # assumed: suggestions must be drawn well before the next keystroke (200 ms apart at
         # five a second); 200 ms is noticeable as a pause [K]
         latency_budget="100 ms",
         offline=True)
    Flow("federated-round", name="model update -> aggregated model -> every phone",
         steps=[upload, publish, update], rate="1 /week")

    # Placement alternatives ------------------------------------------------------------------------
    Variant("on-device", {}, preset="client_side",
            description="Model and training on the phone; only model updates travel (federated learning)")
    Variant("cloud-prediction", {"next_word": "cloud"}, preset="server_centric",
            description="Every keystroke goes to the model in the cloud (at home, over Wi-Fi)")
    Variant("cloud-prediction-cellular", {"next_word": "cloud"}, preset="server_centric",
            links_down=["phone-cloud-wifi"],
            description="The same, away from home: every keystroke over cellular data")
    Variant("server-side-training", {"local_training": "cloud"}, preset="client_side",
            description="Model on the phone, but the typing history is uploaded and trained on in the cloud")
    Variant("updates-over-cellular", {}, preset="client_side", links_down=["phone-cloud-wifi"],
            description="On-device model, with the weekly model download over cellular data")

"""AR translation glasses: the design review example.

Glasses with a camera show an English overlay for Spanish signs the wearer looks at. Text is found
in a camera frame (OCR) and translated; either model may run on the glasses, on the phone in the
wearer's pocket (over Bluetooth or Wi-Fi) or in the cloud (over cellular data). The variants below
are the placements a design review compares.

Sources for the figures (values marked "assumed" are ours, for the review to question):
[K] C. Kaestner, "Deploying a Model", Machine Learning in Production lecture notes (CMU 17-445/645),
    speaker notes of the AR translation case study and the telemetry slide.
[H] G. Hulten, Building Intelligent Systems, Apress 2018, ch. 13 "Where Intelligence Lives".
[S] archkit's measurements of Tesseract (tesserocr) and Apertium on a 2-core machine
    (docs/deploy.md, bench/bench_serve.py).
[T] R. Smith, "An Overview of the Tesseract OCR Engine", ICDAR 2007; Tesseract 4 and later
    recognise text lines with an LSTM network (tesseract-ocr documentation); Apache-2.0 licensed.
[A] M. L. Forcada et al., "Apertium: a free/open-source platform for rule-based machine
    translation", Machine Translation 25(2), 2011; GPL-3.0 licensed.
"""

from archkit import Component, Flow, Link, Model, Node, System, Variant

with System(
    "AR translation glasses",
    description="Camera frames of signs -> OCR -> translation -> overlay on the glasses' screen.",
    version="1.0",
    users=100_000,  # assumed size of the user base for cost and capacity
    peak_active_share=0.05,  # assumed: 5 % of the wearers use the glasses at the same time at peak
    usage_hours_per_day=0.5,  # assumed: half an hour of reading signs per wearer and day
    requirements=["latency(overlay) <= 200 ms"],  # [K]: 200 ms is a noticeable pause
    objectives=["minimize cost"],
) as system:
    with Node(
        "glasses", kind="wearable", name="AR glasses",
        description="Glass-like headset: 5 MP camera, 640x360 screen [K]",
        memory="2 GB",  # [K]: 1 or 2 GB RAM
        storage="16 GB",  # [K]
        cpu_cores=2,  # assumed: a dual-core mobile SoC
        battery="2.1 Wh",  # assumed: 570 mAh at 3.7 V
        power="1.5 W",  # assumed draw while the camera and SoC are busy
        per_user=1,
        availability=0.99,  # assumed: battery or crash outages
    ):
        camera = Component(
            "camera", kind="sensor", description="5 MP camera [K], streams frames to the frame selector",
            data_sensitivity="personal", language="c", memory="30 MB", implementation="ar_serving:Camera")
        selector = Component(
            "frame_selector", kind="business_logic",
            description="Picks a sharp frame with text in it, crops the text region, orchestrates OCR and translation",
            processing_time="5..15 ms",  # assumed
            language="python", stateless=True, data_sensitivity="personal", memory="80 MB")
        overlay = Component(
            "overlay", kind="ui", description="Draws the translation over the sign on the 640x360 screen [K]",
            processing_time="3..8 ms",  # assumed; under the 20 ms perceivable video delay [K]
            language="python", memory="40 MB")

    with Node(
        "phone", kind="mobile", name="User's phone",
        memory="4 GB", storage="64 GB", cpu_cores=8,  # assumed mid-range phone
        battery="15 Wh", power="3 W",  # assumed
        per_user=1,
        availability=0.995,  # assumed
    ):
        ocr = Model(
            "ocr", name="OCR model",
            description="Finds and reads the text of a sign in a cropped frame",
            task="optical character recognition (Spanish and English print)",
            framework="tesseract",
            inputs=[{"name": "image", "type": "image/png", "unit": "pixels", "meaning": "cropped region with text"}],
            outputs=[{"name": "text", "type": "string", "meaning": "recognised text, one line per text line"}],
            size="15 MB",  # assumed: a Tesseract LSTM language model for one language
            memory="150 MB",  # assumed
            inference_time={
                "cloud": "20..60 ms",  # [S]: about 22 ms per rendered text line on one server core
                "mobile": "60..180 ms",  # assumed: a phone core 3x slower than a server core
                "wearable": "200..600 ms",  # assumed: a glasses SoC 10x slower
            },
            update_period="30 d",  # assumed monthly releases
            accuracy={"character accuracy, rendered signs": "1.0 on 15/15 lines [S]",
                      "character accuracy, degraded paragraph": "0.995 [S]"},
            training_data="Tesseract's published LSTM models for Spanish and English",
            evaluation_data="Rendered signs and a degraded paragraph (blur, rotation, JPEG) [S]",
            intended_use="Printed signs in good light, read while the wearer looks at them",
            limitations=["handwriting", "strong perspective", "low light and motion blur"],
            ethical_considerations=["frames may show people and private text; keep them on the device where possible"],
            architecture="LSTM text-line recogniser after page layout analysis [T]",
            license="apache-2.0",  # [T]
            references=["R. Smith, An Overview of the Tesseract OCR Engine, ICDAR 2007 [T]"],
            contact="vision team",
            domain="printed street and shop signs seen through AR glasses",
            factors=["lighting and motion blur of the camera frame", "font and perspective of the sign",
                     "language of the sign (Spanish or English)"],
            metrics=["character accuracy per rendered text line: the overlay shows text, so every character counts"],
            recommendations=["show the overlay only when Tesseract's confidence is high; let the wearer dismiss it"],
            robustness=["checked on a paragraph degraded by blur, rotation and JPEG compression [S]"],
            test_conditions="tesserocr on one core of a 2-core server, images rendered at 300 dpi [S]",
            language="c++", stateless=True, data_sensitivity="personal",
            owner="vision team", version="tesseract-5.3-spa",
            cpus=0.5,
            implementation="ar_serving:OCR",
        )
        translator = Model(
            "translator", name="Translation model",
            description="Translates recognised Spanish text to English",
            task="machine translation, Spanish to English",
            framework="apertium",
            inputs=[{"name": "text", "type": "string", "unit": "ISO 639-1 es", "meaning": "recognised text"}],
            outputs=[{"name": "translation", "type": "string", "unit": "ISO 639-1 en", "meaning": "English text"}],
            size="10 MB",  # assumed: rule-based dictionaries and transfer rules for one pair
            memory="100 MB",  # assumed
            inference_time={
                "cloud": "3..10 ms",  # [S]: about 2.6 ms per translation with a persistent pipeline
                "mobile": "10..30 ms",  # assumed
                "wearable": "30..100 ms",  # assumed
            },
            update_period="7 d",  # assumed weekly dictionary updates
            accuracy={"sample signs": "modest: 'Peligro: piso mojado' -> 'Danger: wet floor' [S]"},
            intended_use="Short sign texts",
            limitations=["idioms and word play", "some phrases stay untranslated"],
            architecture="rule-based shallow-transfer translation: morphological analysis, transfer rules, "
                         "generation [A]",
            license="gpl-3.0",  # [A]
            references=["M. L. Forcada et al., Apertium, Machine Translation 25(2), 2011 [A]"],
            contact="language team",
            domain="short Spanish sign texts translated into English",
            training_data="none: hand-written bilingual dictionaries and transfer rules (apertium-eng-spa) [A]",
            evaluation_data="Sample sign texts from the OCR test set [S]",
            factors=["vocabulary of the sign (words missing from the dictionary stay untranslated)",
                     "OCR errors in the input text"],
            metrics=["share of sample signs translated without untranslated words, read by a person"],
            ethical_considerations=["recognised text may be personal; in the cloud placement it leaves the device"],
            recommendations=["mark untranslated words so the wearer knows the translation is partial"],
            robustness=["OCR errors pass through: a misread word stays untranslated rather than mistranslated [S]"],
            test_conditions="apertium eng-spa pipeline kept running, one core of a 2-core server [S]",
            language="c++", stateless=True,
            owner="language team", version="apertium-eng-spa-0.8",
            cpus=0.25,
            implementation="ar_serving:Translator",
        )

    with Node(
        "cloud", kind="cloud", name="Cloud region",
        cpu_cores=8, memory="32 GB", storage="200 GB",
        cost_per_hour="0.40 USD/h",  # assumed on-demand price of an 8-core server
        count=4,
        availability=0.999,
    ):
        telemetry = Component(
            "telemetry", kind="telemetry", description="Collects usage events and rare opt-in frames",
            processing_time="1..3 ms", stateless=True, cpus=0.25, memory="200 MB",
            autoscaling={"min_replicas": 2, "max_replicas": 16})
        registry = Component(
            "model_registry", kind="model_registry", description="Holds released model versions",
            memory="500 MB", storage="20 GB")

    # Links -----------------------------------------------------------------------------------
    Link("glasses", "phone", medium="bluetooth",
         bandwidth="3 Mbit/s",  # [K]: Bluetooth up to 3 Mbit/s
         latency="40..200 ms",  # [K]: Bluetooth latency around 40-200 ms
         availability=0.99)  # assumed
    Link("glasses", "phone", medium="wifi", id="glasses-phone-wifi",
         bandwidth="54 Mbit/s",  # [K]: Wi-Fi 54 Mbit/s
         latency="2..10 ms",  # assumed Wi-Fi Direct latency
         intermittent=True, availability=0.6,  # assumed: on for 60 % of the time
         description="Wi-Fi Direct when both devices have it on")
    Link("phone", "cloud", medium="cellular",
         bandwidth="5..20 Mbit/s",  # assumed mobile data rates
         latency="30..100 ms",  # assumed
         cost_per_gb="10 USD/GB",  # [K]: cellular data about 10 USD/GB
         intermittent=True, availability=0.95)  # assumed coverage

    # Connectors --------------------------------------------------------------------------------
    frames = (camera >> selector).set(
        kind="stream", purpose="serving",
        request_size="2.7648 MB",  # one 1280x720 RGB frame: 1280*720*3 bytes
        rate="30 /s", data_sensitivity="personal")
    read = (selector >> ocr).set(
        kind="sync_call",
        request_size="30..100 kB",  # assumed: cropped, compressed text region
        response_size="0.1..1 kB", rate="0.2 /s", data_sensitivity="personal")
    translate = (selector >> translator).set(
        kind="sync_call", request_size="0.1..1 kB", response_size="0.1..1 kB", rate="0.2 /s")
    show = (selector >> overlay).set(kind="in_process", request_size="1 kB", response_size="0.1 kB", rate="0.2 /s")
    usage = (selector >> telemetry).set(
        kind="async_message", purpose="telemetry", request_size="2 kB", rate="0.2 /s", data_sensitivity="internal",
        description="Usage event: languages, text length, timings, user feedback")
    samples = (selector >> telemetry).set(
        kind="async_message", purpose="telemetry",
        request_size="2 MB",  # [K]: a full 1080x1920 PNG screenshot is about 2 MB
        rate="0.2 /s", share=0.001, conditional=True, data_sensitivity="personal",
        description="Opt-in sample frames to find OCR mistakes")
    ocr_updates = (registry >> ocr).set(
        kind="batch_transfer", purpose="model_artifact", request_size="15 MB", rate="1 /day", share=1 / 30)
    mt_updates = (registry >> translator).set(
        kind="batch_transfer", purpose="model_artifact", request_size="10 MB", rate="1 /day", share=1 / 7)

    # Flows ---------------------------------------------------------------------------------------
    Flow("overlay", name="camera frame -> translated overlay",
         steps=[frames, read, translate, show],
         rate="0.2 /s",  # assumed: a new sign every 5 s while the glasses are in use
         latency_budget="200 ms",  # [K]: 200 ms is noticeable as a pause
         offline=True)
    Flow("usage-telemetry", name="usage event -> telemetry store", steps=[usage], rate="0.2 /s")

    # Placement alternatives ------------------------------------------------------------------------
    # The base placement (above) keeps both models on the phone; the variants move them.
    Variant("all-on-phone", {}, preset="client_side",
            description="Both models on the phone, reached over Bluetooth or Wi-Fi")
    Variant("ocr-in-cloud", {"ocr": "cloud"}, preset="hybrid",
            description="OCR in the cloud, translation on the phone")
    Variant("translation-in-cloud", {"translator": "cloud"}, preset="hybrid",
            description="OCR on the phone, translation in the cloud")
    Variant("all-in-cloud", {"ocr": "cloud", "translator": "cloud"}, preset="server_centric",
            description="Both models in the cloud")
    Variant("all-on-glasses", {"ocr": "glasses", "translator": "glasses"}, preset="client_side",
            description="Both models on the glasses themselves")
    Variant("phone-bluetooth-only", {}, links_down=["glasses-phone-wifi"],
            description="Both models on the phone while Wi-Fi Direct is off")
